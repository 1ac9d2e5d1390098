/**
 * Issue 14, item 7, for every shipped bot example, not only the first: each backtests (real CLI)
 * with its first entry putting a sensible part of the portfolio to work. Two still bought a fixed
 * handful of units: examples/strategies/bollinger-breakout.yaml 1 unit of a ~3,600-point index out
 * of 100,000 (4% of the cash, total return -0.06%), examples/rules-inline.yaml 10 units (36%); both
 * now size by percent of the portfolio value (90%; the Bollinger strategy spec takes it as its
 * `percent` parameter).
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const EXAMPLES = path.join(ROOT, 'examples')
/** Bot specs that backtest from the bundled files (exchange-twin needs a running twin's data). */
const BOTS = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml') && !/type:\s*exchange/.test(readFileSync(path.join(EXAMPLES, f), 'utf8')))
  .sort()

describe('item 7: every shipped example sizes its entries from the portfolio', () => {
  it('the examples found are the ones expected', () => {
    assert.ok(BOTS.includes('rules-inline.yaml') && BOTS.includes('bollinger-breakout.yaml') && BOTS.includes('orcl-sma-cross.yaml'), BOTS.join(' '))
    assert.ok(!BOTS.includes('exchange-twin.yaml'))
  })

  for (const file of BOTS) {
    it(`examples/${file}: its first entry is at least 45% of the initial cash, nothing rejected`, async () => {
      const db = path.join(tempDir('bots-item7-examples-'), 'x.duckdb')
      const r = await runCli(['backtest', path.join('examples', file), '--db', db, '--no-record', '--no-report', '--json'])
      assert.equal(r.code, 0, r.stderr)
      const out = parseJson(r)
      assert.equal(out.counts.rejected, 0)
      assert.ok(out.fills.length > 0, 'no fills')
      // Several symbols (a rebalance) enter together: the fills at the first fill's time.
      const t0 = out.fills[0].time
      const notional = out.fills.filter((f: any) => f.time === t0).reduce((s: number, f: any) => s + f.quantity * f.price, 0)
      assert.ok(notional >= 0.45 * out.initialCash, `first entry ${notional.toFixed(2)} of ${out.initialCash}`)
      assert.ok(notional <= out.initialCash * 1.001, `first entry ${notional.toFixed(2)} of ${out.initialCash}`)
    })
  }

  it('bollinger-breakout takes its size as a parameter: --param percent=50 halves the first entry', async () => {
    const db = path.join(tempDir('bots-item7-examples-'), 'x.duckdb')
    const run = async (...extra: string[]) => {
      const r = await runCli(['backtest', 'examples/bollinger-breakout.yaml', '--db', db, '--no-record', '--no-report', '--json', ...extra])
      assert.equal(r.code, 0, r.stderr)
      const f = parseJson(r).fills[0]
      return f.quantity * f.price
    }
    const full = await run()
    const half = await run('--param', 'percent=50')
    assert.ok(full > 85_000 && full <= 90_000, `${full}`)
    assert.ok(half > 45_000 && half <= 50_000, `${half}`)
  })
})
