/**
 * The process dies (SIGKILL) mid-replay and is started again: every bot resumes from its recorded
 * state, no trade is recorded twice, no position is lost, and the whole run's fills are exactly
 * those of `bots backtest` over the same bars; `bots parity` agrees.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {withDb} from '../../src/service/db.js'
import {addBot} from '../../src/service/manage.js'
import {botsJson, logsOf, startLive, statusOf, storeWithOrcl, tradesOf, writeSpec} from './helpers.js'

const fillKey = (f: {symbol: string; side: string; quantity: number; price: number; time: number | string}) =>
  `${f.symbol} ${f.side} ${f.quantity} @ ${f.price} ${new Date(f.time).toISOString()}`

describe('bots live: crash of the whole process and recovery', () => {
  const dir = tempDir('bots-recover-')
  const db = path.join(dir, 'recover.duckdb')
  before(() => storeWithOrcl(db))

  it('SIGKILL, then a restart resumes from the recorded state: the same trades as a backtest, none twice', async () => {
    const spec = writeSpec(dir, {name: 'resumer', userId: 1, speed: 100, start: '2013-04-01', params: {fast: 5, slow: 20, quantity: 10}})
    const bot = await addBot(spec, undefined, {path: db})
    const args = ['--user-id', '1', '--db', db, '--poll-interval', '0.5', '--heartbeat-interval', '0.3']
    const first = startLive(args)
    // A fill is printed once it is on disk: after the 4th, kill the process wherever it is.
    await first.waitForOutput(/("resumer": filled [^\n]*\n[\s\S]*){4}/)
    const killed = await first.signal('SIGKILL')
    assert.equal(killed.signal, 'SIGKILL')
    const before = await tradesOf(db, bot.id)
    assert.ok(before.length >= 4)

    const second = startLive(args)
    await second.waitForOutput(/bot \d+ "resumer": resumed from its saved state \(last bar 201\d-/)
    await second.waitForOutput(/"resumer": the replay ended/)
    assert.equal((await second.signal('SIGTERM')).code, 0, second.output())

    const after = await botsJson(db, 'trades', String(bot.id))
    // What was recorded before the kill is still there, unchanged, and nothing appears twice.
    assert.deepEqual(after.slice(0, before.length), before)
    assert.equal(new Set(after.map((t: any) => `${t.orderId}/${t.fillSeq}`)).size, after.length)
    assert.equal(new Set(after.map((t: any) => t.orderId)).size, after.length)

    const bt = await runCli(['backtest', spec, '--db', db, '--no-record', '--json'])
    assert.equal(bt.code, 0, bt.stderr)
    const result = parseJson(bt)
    assert.ok(result.fills.length > before.length)
    assert.deepEqual(after.map(fillKey), result.fills.map(fillKey))

    // No position lost: the last metrics snapshot holds the backtest's open position.
    const status = await statusOf(db, bot.id)
    const open = Object.fromEntries(result.positions.map((p: any) => [p.symbol, p.quantity]))
    assert.deepEqual(status.positions, open)
    assert.ok(Math.abs(status.equity! - result.finalValue) < 1e-6, `${status.equity} vs ${result.finalValue}`)

    const parity = await runCli(['parity', String(bot.id), '--db', db, '--json'])
    assert.equal(parity.code, 0, parity.stdout + parity.stderr)
    const p = parseJson(parity)
    assert.equal(p.same, true)
    assert.equal(p.liveFills, result.fills.length)
    const kinds = (await logsOf(db, bot.id)).map((e) => e.kind)
    assert.deepEqual(kinds, ['added', 'start', 'resume', 'feed-end', 'stop'])
    assert.equal(p.bars, result.counts.bars)
    // A bar recorded twice (a kill between a bar's record and the checkpoint that covers it) is one bar
    // (found by an audit: parity said 258 bars of 252 after 18 kills).
    await withDb({path: db}, (conn) => conn.run('INSERT INTO bot_bars SELECT * FROM bot_bars WHERE bot_id = $id ORDER BY ts LIMIT 3', {id: bot.id}))
    const again = parseJson(await runCli(['parity', String(bot.id), '--db', db, '--json']))
    assert.deepEqual([again.bars, again.same], [result.counts.bars, true])

    // A record that disagrees (a fill price tampered with): parity names the first difference, exit 1.
    const third = after[2]
    await withDb({path: db}, (conn) => conn.run('UPDATE bot_trades SET price = price + 1 WHERE bot_id = $id AND order_id = $o', {id: bot.id, o: third.orderId}))
    const differs = await runCli(['parity', String(bot.id), '--db', db])
    assert.equal(differs.code, 1)
    assert.match(differs.stdout, new RegExp(`differs at decision \\d+ \\(price\\):\\n  live: +fill #${third.orderId} ${third.side} 10 ORCL @ ${third.price + 1} at `))
  })
})
