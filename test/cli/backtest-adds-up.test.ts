/**
 * The terminal summary adds up (found by an audit): final equity = initial cash + the closed
 * trades' net P&L + what the positions open at the end hold, unrealised and realised so far net of
 * their commissions. A rebalancing strategy (no trade ever closes, its partial sells realise P&L)
 * and an SMA cross (its open position paid an entry commission) through the real CLI, the figures
 * checked against its --json.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const number = (text: string) => Number(text.replaceAll(',', ''))

for (const example of ['examples/monthly-rebalance.yaml', 'examples/orcl-sma-cross.yaml']) {
  it(`${example}: closed trades + open positions (unrealised and realised) = final equity`, async () => {
    const db = path.join(tempDir('bots-adds-up-'), 'store.duckdb')
    const args = ['backtest', example, '--db', db, '--no-record']
    const json = parseJson(await runCli([...args, '--json'])) as {initialCash: number; finalValue: number; trades: Array<{netPnl: number}>; positions: Array<{unrealizedPnl: number}>}
    const text = await runCli(args)
    assert.equal(text.code, 0, text.stderr)
    const line = text.stdout.split('\n').find((l) => l.startsWith('trades ') && l.includes('open at the end'))
    assert.ok(line, text.stdout)
    const m = /(\d+) closed, \d+ positions? open at the end: unrealised (-?[\d,.]+); realised in them so far, net of their commissions, (-?[\d,.]+)$/.exec(line)
    assert.ok(m, line)
    const closed = json.trades.reduce((a, t) => a + t.netPnl, 0)
    assert.equal(Number(m[1]), json.trades.length)
    assert.ok(Math.abs(number(m[2]) - json.positions.reduce((a, p) => a + p.unrealizedPnl, 0)) < 0.006, line)
    // The three parts and the initial cash make the final equity, to the cent of their rounding.
    assert.ok(Math.abs(json.initialCash + closed + number(m[2]) + number(m[3]) - json.finalValue) < 0.011, `${line}\nfinal ${json.finalValue}`)
    // Not a figure that is always 0: each example holds some P&L there (partial sells; an entry's commission).
    assert.ok(Math.abs(number(m[3])) > 1, line)
  })
}

it('the orders line adds up to the orders placed: filled, rejected, canceled and still open at the end, as the orders in --json', async () => {
  // examples/rules-inline.yaml ends with a stop order working (before, the line left it out: 19 orders, 15 + 0 + 3).
  const db = path.join(tempDir('bots-orders-add-up-'), 'store.duckdb')
  const args = ['backtest', 'examples/rules-inline.yaml', '--db', db, '--no-record']
  const json = parseJson(await runCli([...args, '--json'])) as {orders: Array<{status: string}>}
  const text = await runCli(args)
  const m = /^orders\s+(\d+) \((\d+) filled, (\d+) rejected, (\d+) canceled, (\d+) open at the end\)$/m.exec(text.stdout)
  assert.ok(m, text.stdout)
  const count = (status: string) => json.orders.filter((o) => o.status === status).length
  assert.deepEqual(m.slice(1).map(Number), [json.orders.length, count('filled'), count('rejected'), count('canceled'), count('open')])
  assert.ok(count('open') > 0)
})
