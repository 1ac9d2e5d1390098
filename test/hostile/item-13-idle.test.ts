/**
 * Issue 16, item 13: an idle service with a 1 s poll used 13-14% of a core, opening and closing the
 * DuckDB store at every poll. Now an idle poll opens nothing: the bot list is reused while the
 * store file is unchanged, and there is nothing to read for no bot to start. Shown by locking the
 * store in another process: a poll that still tried to open it would fail, a cached one does not.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckRegistry} from '../../src/service/registry/duck-registry.js'
import {addBot} from '../../src/service/manage.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'
import {writeSpec} from '../service/helpers.js'

describe('issue 16, item 13: an idle poll opens no store', () => {
  it('reuses the bot list while the file is unchanged, and reads again after another process wrote', async () => {
    const dir = tempDir('bots-item13-')
    const db = path.join(dir, 'idle.duckdb')
    await addBot(writeSpec(dir, {name: 'first', userId: 1}), 1, {path: db})
    // No waiting for a lock: an open while the file is held fails at once.
    const registry = new DuckRegistry({path: db, lockTimeoutMs: 0})
    const before = await registry.listBots({userId: 1})
    assert.deepEqual(before.map((b) => b.name), ['first'])

    const holder = await holdStore(db)
    try {
      assert.deepEqual(await registry.listBots({userId: 1}), before, 'served without opening the held file')
      assert.equal((await registry.resumeInfo({userId: 1}, [])).size, 0)
      // A read the cache cannot serve (another user) does try to open it, and finds it held.
      await assert.rejects(registry.listBots({userId: 2}), /locked|holds the store/)
    } finally {
      await holder.release()
    }

    // Another writer changes the file: the next poll sees the new bot.
    await addBot(writeSpec(dir, {name: 'second', userId: 1}), 1, {path: db})
    assert.deepEqual((await registry.listBots({userId: 1})).map((b) => b.name), ['first', 'second'])
  })
})
