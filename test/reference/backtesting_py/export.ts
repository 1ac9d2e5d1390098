/**
 * Exports what bots computed for one backtest (equity curve, trades, fills, the traded symbol's
 * bars) as JSON, for stats.py to feed to backtesting.py. Not a test; run by hand, see
 * test/golden/backtesting_py/README.md.
 *
 *   node --import tsx test/reference/backtesting_py/export.ts SPEC [--param k=v …] [--start D] [--end D] [--cash N] > case.json
 */
import {prepareBacktest, runPrepared} from '../../../src/backtest/run-spec.js'
import {marketTimezone} from '../../../src/calendar/index.js'
import {metricsSettings} from '../../../src/metrics/settings.js'

const [file, ...rest] = process.argv.slice(2)
const params: string[] = []
const o: {start?: string; end?: string; cash?: number} = {}
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1]]
  if (flag === '--param') params.push(value)
  else if (flag === '--start') o.start = value
  else if (flag === '--end') o.end = value
  else if (flag === '--cash') o.cash = Number(value)
  else throw new Error(`unknown flag ${flag}`)
}
const db = process.env.BOTS_DB ?? '/tmp/bots-reference.duckdb'
const prepared = await prepareBacktest({file, overrides: {...o, params}, db})
const result = await runPrepared(prepared)
const bars = prepared.bars[0]
const settings = metricsSettings(prepared.spec, result.start, result.end)
process.stdout.write(JSON.stringify({
  spec: file,
  overrides: {...o, params},
  symbol: bars.symbol,
  timezone: marketTimezone(prepared.spec.market),
  periodsPerYear: settings.periodsPerYear,
  initialCash: result.initialCash,
  start: result.start,
  end: result.end,
  openPositions: result.positions.length,
  bars: {time: Array.from(bars.time), close: Array.from(bars.close)},
  equity: {time: Array.from(result.equity.time), value: Array.from(result.equity.value)},
  trades: result.trades,
  fills: result.fills,
}) + '\n')
