/**
 * A replay bot stopped, its spec updated with a later `live.feed.start`, started again: it resumes
 * from its state and its replay goes on from the new start. Found by an audit: the bars in between
 * were skipped without a word. Now the resume says so, as a warning and in the bot's events.
 */
import assert from 'node:assert/strict'
import {renameSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {tempDir} from '../helpers/tmp.js'
import {addBot, updateBot} from '../../src/service/manage.js'
import {events, startLive, storeWithOrcl, writeSpec} from './helpers.js'

describe('bots update moving a replay\'s start past where the bot stopped', () => {
  const dir = tempDir('bots-update-start-')
  const db = path.join(dir, 'store.duckdb')
  before(() => storeWithOrcl(db))

  it('the resume says that the bars in between are not played', async () => {
    const spec = writeSpec(dir, {name: 'mover', userId: 1, speed: 50, start: '2013-04-01'})
    const bot = await addBot(spec, undefined, {path: db})
    const args = ['--user-id', '1', '--db', db, '--poll-interval', '30', '--heartbeat-interval', '0.3']
    const first = startLive(args)
    await first.waitForOutput(/"mover": filled /)
    assert.equal((await first.signal('SIGTERM')).code, 0, first.output())

    const later = writeSpec(path.join(dir), {name: 'mover', userId: 1, speed: 50, start: '2014-06-02'})
    renameSync(later, path.join(dir, 'mover-later.yaml'))
    await updateBot(bot.id, path.join(dir, 'mover-later.yaml'), {path: db})
    const second = startLive(args)
    await second.waitForOutput(/"mover": resumed from its saved state \(last bar 2013-[^)]*\); live\.feed\.start \(2014-06-02T04:00:00\.000Z\) is after that bar: the replay goes on from that start, and the bars stored in between, if any, are not played/)
    assert.equal((await second.signal('SIGTERM')).code, 0, second.output())
    const resumed = (await events(db, bot.id)).filter((e) => e.kind === 'resume')
    assert.match(resumed.at(-1)!.message ?? "", /the bars stored in between, if any, are not played/)
  })
})
