/**
 * Multi-asset rules through the real CLI (issue 15, item 4): examples/momentum-rotation.yaml
 * (`rank(mom) == 1` over ORCL and the index, equal-weight sizing) and examples/pairs.yaml (`of("SYM",
 * x)`, `rank(x)`, volatility-target sizing) validate and backtest; their fills are checked against
 * ROC, SMA and volatility recomputed here from the CSV files; an unknown symbol in
 * `close_of("…")` is a located `bots validate` error naming the bot's symbols.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const EXAMPLES = path.join(ROOT, 'examples')
const TZ = 'America/New_York'

/** Date → close, in file order, for one of the example CSV files (Date first, Close fifth). */
function closes(file: string): Array<[string, number]> {
  return readFileSync(path.join(EXAMPLES, 'data', file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map((c) => [c[0], Number(c[4])] as [string, number])
}

const SERIES: Record<string, Array<[string, number]>> = {ORCL: closes('orcl-1995-2014.csv'), IDX: closes('index-2006-daily.csv')}

/** The closes of `symbol` up to and including `date`, newest last (what the rules see at that bar). */
const upTo = (symbol: string, date: string) => SERIES[symbol].filter(([d]) => d <= date).map(([, c]) => c)
/** The symbol's last bar before `date` (the signal bar of an order filled at `date`'s open). */
const barBefore = (symbol: string, date: string) => SERIES[symbol].filter(([d]) => d < date).at(-1)![0]
const dateOf = (ms: number) => new Date(ms).toLocaleDateString('en-CA', {timeZone: TZ})

interface Fill {
  symbol: string
  side: 'buy' | 'sell'
  quantity: number
  price: number
  time: number
}

/** Fills grouped by time, in order, with the positions after each group. */
function replay(fills: Fill[]): Array<{date: string; fills: Fill[]; held: Record<string, number>}> {
  const held: Record<string, number> = {}
  const groups: Array<{date: string; fills: Fill[]; held: Record<string, number>}> = []
  for (const f of fills) {
    const date = dateOf(f.time)
    if (groups.at(-1)?.date !== date) groups.push({date, fills: [], held: {}})
    const g = groups.at(-1)!
    g.fills.push(f)
    held[f.symbol] = (held[f.symbol] ?? 0) + (f.side === 'buy' ? f.quantity : -f.quantity)
    g.held = Object.fromEntries(Object.entries(held).filter(([, q]) => q !== 0))
  }
  return groups
}

const sma = (xs: number[], n: number) => xs.slice(-n).reduce((a, b) => a + b, 0) / n

describe('multi-asset rules through the CLI', () => {
  const dir = tempDir('bots-multi-asset-')
  const db = path.join(dir, 'store.duckdb')

  it('momentum rotation: holds only the top-ranked symbol by 20-day ROC, selling before buying', async () => {
    const file = path.join(EXAMPLES, 'momentum-rotation.yaml')
    const v = await runCli(['validate', file])
    assert.equal(v.code, 0, v.stdout + v.stderr)
    const r = await runCli(['backtest', file, '--db', db, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const j = parseJson(r)
    assert.equal(j.orders.filter((o: {status: string}) => o.status !== 'filled').length, 0)
    const groups = replay(j.fills)
    assert.ok(groups.length >= 10, `${groups.length} rotations`)
    const roc = (symbol: string, date: string) => {
      const c = upTo(symbol, date)
      return c.at(-1)! / c.at(-21)! - 1
    }
    for (const g of groups) {
      // Never two symbols at once, and a rotation's sell fills before its buy.
      assert.ok(Object.keys(g.held).length <= 1, `${g.date}: holds ${JSON.stringify(g.held)}`)
      if (g.fills.length === 2) assert.deepEqual(g.fills.map((f) => f.side), ['sell', 'buy'], g.date)
      for (const f of g.fills.filter((x) => x.side === 'buy')) {
        const signal = barBefore(f.symbol, g.date)
        const other = f.symbol === 'ORCL' ? 'IDX' : 'ORCL'
        assert.ok(roc(f.symbol, signal) > roc(other, signal), `${g.date}: bought ${f.symbol} though ${other} had the higher ROC on ${signal}`)
        // equal_weight, positions 1: 90% of the portfolio value at the signal, valued at its close.
        const price = upTo(f.symbol, signal).at(-1)!
        assert.ok(f.quantity * price <= 0.9 * j.initialCash * 2 && f.quantity * price > 0.9 * 0.5 * j.initialCash, `${g.date}: ${f.quantity} × ${price}`)
      }
    }
    // The first entry, by hand: 90% of 100000 at the signal bar's close, rounded down.
    const first = j.fills[0] as Fill
    const close = upTo(first.symbol, barBefore(first.symbol, dateOf(first.time))).at(-1)!
    assert.equal(first.quantity, Math.floor((100000 * 0.9) / close))
  })

  it('pairs: long the laggard and short the leader when their distances from SMA(20) diverge, volatility-target sized', async () => {
    const file = path.join(EXAMPLES, 'pairs.yaml')
    const v = await runCli(['validate', file])
    assert.equal(v.code, 0, v.stdout + v.stderr)
    const r = await runCli(['backtest', file, '--db', db, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const j = parseJson(r)
    assert.equal(j.orders.filter((o: {status: string}) => o.status !== 'filled').length, 0)
    const groups = replay(j.fills)
    let entries = 0
    for (const g of groups) {
      const held = Object.entries(g.held)
      // Flat, or one long and one short: never one leg alone nor both on one side.
      assert.ok(held.length === 0 || (held.length === 2 && Math.sign(held[0][1]) === -Math.sign(held[1][1])), `${g.date}: ${JSON.stringify(g.held)}`)
      if (held.length === 0) continue
      entries++
      const signal = barBefore('ORCL', g.date)
      const dist = (s: string) => {
        const c = upTo(s, signal)
        return c.at(-1)! / sma(c, 20)
      }
      const long = held.find(([, q]) => q > 0)![0]
      const short = held.find(([, q]) => q < 0)![0]
      assert.ok(dist(short) - dist(long) > 0.06, `${g.date}: short ${short} (${dist(short)}) long ${long} (${dist(long)})`)
    }
    assert.ok(entries >= 2, `${entries} pair entries`)
    // The first entry of each leg, by hand: 100000 × min(0.15 / σ, 1) / 2 symbols / close at the signal.
    const firstDate = groups[0].date
    for (const f of groups[0].fills) {
      const c = upTo(f.symbol, barBefore(f.symbol, firstDate))
      const returns = c.slice(-21).map((x, i, a) => (i === 0 ? NaN : Math.log(x / a[i - 1]))).slice(1)
      const mean = returns.reduce((a, b) => a + b, 0) / 20
      const sigma = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / 19) * Math.sqrt(252)
      const expected = Math.floor((100000 * Math.min(0.15 / sigma, 1)) / 2 / c.at(-1)!)
      assert.equal(f.quantity, expected, `${f.symbol}: σ ${sigma}`)
    }
  })

  it('bots check finds no look-ahead in the rotation (other symbols are read at the same bar, never later)', async () => {
    const c = await runCli(['check', path.join(EXAMPLES, 'momentum-rotation.yaml'), '--db', db, '--json'])
    assert.equal(c.code, 0, c.stdout + c.stderr)
    assert.equal(parseJson(c).passed, true)
  })

  describe('bots validate', () => {
    const spec = (entry: string) => `name: bad-pair
strategy:
  name: rules
  params:
    entry:
      long: ${entry}
symbols: [ORCL, IDX]
timeframe: 1D
data: {source: file, files: {ORCL: a.csv, IDX: b.csv}}
`
    before(() => {
      writeFileSync(path.join(dir, 'unknown.yaml'), spec('close > close_of("ORCX")'))
      writeFileSync(path.join(dir, 'cross.yaml'), spec('crosses_above(close, close_of("IDX"))'))
    })

    it('an unknown symbol in close_of("…") is located at the symbol, names the bot\'s symbols, with a did-you-mean', async () => {
      const r = await runCli(['validate', 'unknown.yaml'], {cwd: dir})
      assert.notEqual(r.code, 0)
      const lines = spec('close > close_of("ORCX")').split('\n')
      const line = lines.findIndex((l) => l.includes('ORCX')) + 1
      const column = lines[line - 1].indexOf('"ORCX"') + 1
      const out = r.stdout + r.stderr
      assert.match(out, new RegExp(`unknown\\.yaml:${line}:${column}\\b.*\`ORCX\` is not a symbol of this bot; it trades ORCL, IDX`))
      assert.match(out, /ORCL/)
      assert.match(out, /did you mean/i)
    })

    it('close_of inside crosses_above is an error with a way round it', async () => {
      const r = await runCli(['validate', 'cross.yaml'], {cwd: dir})
      assert.notEqual(r.code, 0)
      assert.match(r.stdout + r.stderr, /`close_of` cannot be used inside crosses_above/)
    })
  })
})
