/**
 * Two users' bots in one database: a service for user 1 never reads, starts or writes user 2's
 * bots; and two services (one per user) can share the DuckDB file at the same time.
 */
import assert from 'node:assert/strict'
import {mkdirSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {addBot} from '../../src/service/manage.js'
import {query, startLive, storeWithOrcl, tradesOf, writeSpec} from './helpers.js'

const TABLES = ['bot_trades', 'bot_metrics', 'bot_events', 'bot_state', 'bot_bars', 'bot_orders']

async function footprint(db: string, userId: number) {
  const bots = await query(db, `SELECT id::INTEGER AS id, name, status, error, heartbeat_at::VARCHAR AS hb, updated_at::VARCHAR AS up, spec_hash FROM bots WHERE user_id = $u ORDER BY id`, {u: userId})
  const counts: Record<string, number> = {}
  for (const t of TABLES) {
    counts[t] = (await query(db, `SELECT count(*)::INTEGER AS n FROM ${t} WHERE user_id = $u OR bot_id IN (SELECT id FROM bots WHERE user_id = $u)`, {u: userId}))[0].n
  }
  return {bots, counts}
}

describe('bots live: users', () => {
  const dir = tempDir('bots-users-')
  const db = path.join(dir, 'users.duckdb')
  before(() => storeWithOrcl(db))

  it('the service for one user leaves the other user\'s bots alone; two services share one file', async () => {
    const spec = (name: string, userId: number) => {
      const sub = path.join(dir, `u${userId}`)
      mkdirSync(sub, {recursive: true})
      return writeSpec(sub, {name, userId, speed: 300, start: '2014-05-01'})
    }
    // The same bot name for both users: names are unique per user only.
    const mine = await addBot(spec('twin', 1), 1, {path: db})
    const theirs = await addBot(spec('twin', 2), 2, {path: db})
    assert.notEqual(mine.id, theirs.id)
    const untouched = await footprint(db, 2)

    const one = startLive(['--user-id', '1', '--db', db, '--poll-interval', '0.2', '--heartbeat-interval', '0.2'])
    await one.waitForOutput(/user 1: 1 enabled bot found, 1 loaded, 1 started/)
    await one.waitForOutput(new RegExp(`bot ${mine.id} "twin": the replay ended`))
    assert.equal((await one.signal('SIGINT')).code, 0, one.output())
    assert.match(one.output(), /SIGINT: stopping every bot/)
    assert.deepEqual(await footprint(db, 2), untouched)
    assert.equal(untouched.counts.bot_events, 1) // `added`, by the add command
    assert.doesNotMatch(one.output(), new RegExp(`bot ${theirs.id} `))
    assert.ok((await footprint(db, 1)).counts.bot_trades > 0)
    // The replay made exactly the backtest's trades.
    const bt = await runCli(['backtest', path.join(dir, 'u1', 'twin.yaml'), '--db', db, '--no-record', '--json'])
    assert.equal(bt.code, 0, bt.stderr)
    const key = (t: any) => `${t.side} ${t.quantity} ${t.price} ${new Date(t.time).toISOString()}`
    assert.deepEqual((await tradesOf(db, mine.id)).map(key), parseJson(bt).fills.map(key))

    // Now both users' services at once, on the same file (each opens it only for its writes).
    const later = await addBot(spec('later', 1), 1, {path: db})
    const a = startLive(['--user-id', '1', '--db', db, '--poll-interval', '0.2', '--heartbeat-interval', '0.2'])
    const b = startLive(['--user-id', '2', '--db', db, '--poll-interval', '0.2', '--heartbeat-interval', '0.2'])
    await a.waitForOutput(/"later": the replay ended/)
    await b.waitForOutput(new RegExp(`bot ${theirs.id} "twin": the replay ended`))
    const [ea, eb] = await Promise.all([a.signal('SIGTERM'), b.signal('SIGTERM')])
    assert.deepEqual([ea.code, eb.code], [0, 0], a.output() + b.output())
    assert.doesNotMatch(a.output(), new RegExp(`bot ${theirs.id} `))
    assert.doesNotMatch(b.output(), new RegExp(`bot (${mine.id}|${later.id}) `))
    // Same spec, same bars: the same trades for each user's bot.
    const trades = async (id: number) => (await tradesOf(db, id)).map((t) => [t.side, t.price, t.time])
    assert.deepEqual(await trades(theirs.id), await trades(mine.id))
    assert.deepEqual(await trades(later.id), await trades(mine.id))
  })
})
