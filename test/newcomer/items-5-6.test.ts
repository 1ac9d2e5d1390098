/**
 * Issue 14, items 5, 6 and 10, through the real CLI:
 * - `bots add` refuses a spec without a `live` section (a backtest spec), located, with a hint;
 * - `bots live` with no enabled bots says what to do, keeps waiting, and picks up a bot added later;
 * - `bots status` shows each bot's feed position (last bar processed, bars behind the end of the
 *   stored data for a replay), in the table and in --json, and equity with thousands separators.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {botsJson, query, startLive, storeWithOrcl, writeSpec} from '../service/helpers.js'

describe('issue 14 items 5, 6: live sections, an empty service, feed positions', () => {
  const dir = tempDir('bots-items-5-6-')
  const db = path.join(dir, 'items.duckdb')
  before(() => storeWithOrcl(db))

  it('bots add refuses a spec without a live section: exit 1, located error, hint, nothing stored', async () => {
    const [text, json] = await Promise.all([
      runCli(['add', path.join('examples', 'orcl-sma-cross.yaml'), '--user-id', '1', '--db', db]),
      runCli(['add', path.join('examples', 'orcl-sma-cross.yaml'), '--user-id', '1', '--db', db, '--json']),
    ])
    assert.equal(text.code, 1, text.stderr)
    assert.match(text.stderr, /examples\/orcl-sma-cross\.yaml:\d+:\d+ error \/live: the spec has no `live` section/)
    assert.match(text.stderr, /\n {2}hint: add a `live:` section[^\n]*\(see examples\/live-replay\.yaml\)/)
    assert.doesNotMatch(text.stderr, /\n\s+at /) // no stack trace
    assert.equal(json.code, 1)
    const j = parseJson(json)
    assert.equal(j.error.code, 'spec.no_live')
    assert.equal(j.error.path, '/live')
    assert.equal(j.error.file, path.join('examples', 'orcl-sma-cross.yaml'))
    assert.ok(j.error.line >= 1 && j.error.column >= 1)
    assert.match(j.error.hint, /examples\/live-replay\.yaml/)
    assert.deepEqual(await botsJson(db, 'list'), [])
    // The example made for it is accepted.
    const ok = await runCli(['add', path.join('examples', 'live-replay.yaml'), '--user-id', '1', '--disabled', '--db', db])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /added bot \d+ "orcl-live-replay" for user 1 \(disabled\)/)
  })

  it('bots status of a bot that never ran: its feed has processed no bar yet', async () => {
    const bot = await botsJson(db, 'add', writeSpec(dir, {name: 'idle', userId: 3, start: '2014-06-02'}), '--disabled')
    const j = await botsJson(db, 'status', String(bot.id))
    assert.deepEqual(j.feed, {type: 'replay', lastBarTime: null, barsBehind: null})
    const text = await runCli(['status', String(bot.id), '--db', db])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /\n {2}feed {8}replay, no bar processed yet\n/)
    assert.match(text.stdout, /\n {2}equity {6}- {2}cash - {2}P&L -\n/)
  })

  it('bots live with no enabled bots says what to do, waits, and starts a bot added later; status shows where each feed stands', async () => {
    const live = startLive(['--user-id', '2', '--db', db, '--poll-interval', '0.2', '--heartbeat-interval', '0.2'])
    await live.waitForOutput(/no enabled bots for user 2: add one with `bots add SPEC --user-id 2` \(or `bots enable ID`\); it is picked up at the next poll \(every 0\.2 s\); waiting/)
    assert.doesNotMatch(live.output(), /0 enabled bots found/)
    assert.equal(live.child.exitCode, null) // still running

    // A slow replay (stopped half-way) and a quick one (runs to the end of the stored bars).
    const slow = await botsJson(db, 'add', writeSpec(dir, {name: 'slow', userId: 2, speed: 20, start: '2014-01-02', params: {fast: 2, slow: 3, quantity: 10}}))
    const quick = await botsJson(db, 'add', writeSpec(dir, {name: 'quick', userId: 2, speed: 1000, start: '2014-06-02'}))
    // Picked up by the next polls (one each, or both in one).
    await live.waitForOutput(new RegExp(`bot ${slow.id} "slow": started`))
    await live.waitForOutput(new RegExp(`bot ${quick.id} "quick": started`))
    await live.waitForOutput(/poll: [12] started/)
    await live.waitForOutput(new RegExp(`bot ${quick.id} "quick": the replay ended`))
    await live.waitForOutput(/"slow": filled /)
    assert.equal((await live.signal('SIGTERM')).code, 0, live.output())

    const [lastStored] = await query(db, `SELECT epoch_ms(max(ts))::DOUBLE AS t FROM bars WHERE symbol = 'ORCL' AND timeframe = '1D'`)
    const q = await botsJson(db, 'status', String(quick.id))
    assert.deepEqual(q.feed, {type: 'replay', lastBarTime: new Date(lastStored.t).toISOString(), barsBehind: 0})

    const s = await botsJson(db, 'status', String(slow.id))
    assert.equal(s.feed.type, 'replay')
    assert.ok(s.feed.lastBarTime, JSON.stringify(s))
    const [after] = await query(db, `SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = 'ORCL' AND timeframe = '1D' AND ts > make_timestamp_ms($t::BIGINT)`, {t: Date.parse(s.feed.lastBarTime)})
    assert.ok(after.n > 0, 'the slow replay was stopped before the end')
    assert.equal(s.feed.barsBehind, after.n)
    // Its last bar is one it recorded.
    const [recorded] = await query(db, `SELECT epoch_ms(max(ts))::DOUBLE AS t FROM bot_bars WHERE bot_id = $id`, {id: slow.id})
    assert.equal(s.feed.lastBarTime, new Date(recorded.t).toISOString())

    // The table: the same figures, and money with thousands separators.
    const text = await runCli(['status', '--user-id', '2', '--db', db])
    assert.equal(text.code, 0, text.stderr)
    const block = (name: string) => text.stdout.split('\n\n').find((b) => b.includes(` ${name} (user 2)`)) ?? ''
    assert.match(block('quick'), new RegExp(`\\n {2}feed {8}replay, last bar ${new Date(lastStored.t).toISOString()}, at the end of the stored data`))
    assert.match(block('slow'), new RegExp(`\\n {2}feed {8}replay, last bar ${s.feed.lastBarTime}, ${after.n} bars? behind the end of the stored data`))
    for (const name of ['quick', 'slow']) {
      assert.match(block(name), /\n {2}equity {6}\d{1,3}(,\d{3})+\.\d{2} {2}cash -?\d{1,3}(,\d{3})*\.\d{2} {2}P&L -?\d{1,3}(,\d{3})*\.\d{2}\n/, block(name))
    }
    const equity = Number(/equity {6}([\d,.]+)/.exec(block('slow'))![1].replaceAll(',', ''))
    assert.equal(equity.toFixed(2), s.equity.toFixed(2))
  })
})
