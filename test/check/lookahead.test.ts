/**
 * Issue 15, item 8: `bots check` finds a plugin that peeks at later bars, naming the first bar and
 * order where a decision changes when the future is removed, and passes every strategy shipped
 * with bots. Through the real CLI (plugins from a user's folder run in a worker there) and the
 * library (in process).
 */
import assert from 'node:assert/strict'
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {lookaheadCheck} from '../../src/check/lookahead.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {brokerSpec} from '../engine/engine-fixtures.js'

// Reads the next bar's close through its history view's buffer: the whole series is there.
const PEEK = `
import {defineStrategy} from 'bots'
export default defineStrategy({
  name: 'peek', description: 'buys when the next close is 2% higher', params: {type: 'object', properties: {}, additionalProperties: false},
  create: () => ({
    onTradingIteration(ctx) {
      const h = ctx.history()
      const next = new Float64Array(h.close.buffer, h.close.byteOffset)[h.length]
      if (ctx.position() === 0 && next > ctx.close() * 1.02) ctx.buy(10)
      else if (ctx.position() > 0 && next < ctx.close()) ctx.closePosition()
    },
  }),
})
`

const spec = (name: string, strategy: string, data: string, extra: string[] = []) =>
  [`name: ${name}`, `strategy: {name: ${strategy}}`, `symbols: [${data.startsWith('orcl') ? 'ORCL' : 'IDX'}]`, ...extra, `data: {source: file, path: ${data}}`, ''].join('\n')

describe('bots check: look-ahead in code plugins', () => {
  const dir = tempDir('bots-check-')

  before(() => {
    mkdirSync(path.join(dir, 'strategies'))
    writeFileSync(path.join(dir, 'strategies', 'peek.ts'), PEEK)
    copyFileSync(path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv'), path.join(dir, 'orcl.csv'))
    copyFileSync(path.join(ROOT, 'examples', 'data', 'index-2006-5min.csv'), path.join(dir, 'idx5.csv'))
    writeFileSync(path.join(dir, 'peek.yaml'), spec('peek', 'peek', 'orcl.csv', ['timeframe: 1D', 'market: NYSE']))
    writeFileSync(path.join(dir, 'hold.yaml'), spec('hold', 'buy-and-hold', 'orcl.csv', ['timeframe: 1D', 'market: NYSE']))
    writeFileSync(path.join(dir, 'range.yaml'), spec('range', 'opening-range', 'idx5.csv', ['timeframe: 5M', 'market: {timezone: Europe/Berlin, open: "09:00", close: "17:30"}', 'backtest: {start: 2006-01-02, end: 2006-02-28}']).replace('path: idx5.csv}', 'path: idx5.csv, time_label: close}'))
  })

  it('a plugin that reads the next bar: exit 1, the first changed decision with its bar and order', async () => {
    const r = await runCli(['check', 'peek.yaml', '--db', path.join(dir, 'store.duckdb')], {cwd: dir})
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /LOOK-AHEAD: strategy "peek" on ORCL .* decides differently when the bars after 1995-01-06 \S+ UTC are removed/)
    assert.match(r.stdout, /with all the bars: +order 1: buy 10 ORCL market at 1995-01-0\d/)
    assert.match(r.stdout, /cut after that bar: +no order/)
    const j = parseJson(await runCli(['check', 'peek.yaml', '--db', path.join(dir, 'store.duckdb'), '--json'], {cwd: dir}))
    assert.equal(j.passed, false)
    assert.equal(j.first.differs.full.id, 1)
    assert.equal(j.first.differs.cut, undefined)
  })

  it('passes every strategy shipped with bots (and the examples)', async () => {
    const files = ['hold.yaml', 'range.yaml', ...['orcl-sma-cross', 'monthly-rebalance', 'golden-cross', 'rules-inline', 'index-5min-intraday'].map((n) => path.join(ROOT, 'examples', `${n}.yaml`))]
    for (const f of files) {
      const r = await runCli(['check', f, '--db', path.join(dir, 'store.duckdb'), '--json'], {cwd: dir})
      assert.equal(r.code, 0, `${f}: ${r.stdout}${r.stderr}`)
      const j = parseJson(r)
      assert.equal(j.passed, true, f)
      assert.ok(j.cuts.length >= 4, `${f}: ${j.cuts.length} cuts`)
      assert.ok(j.decisions > 0, `${f} decides something`)
    }
  })

  it('in process: a peek that only changes which orders are kept is found; an honest twin passes', async () => {
    const bars = readCsvBars(dataFile('orcl-1995-2014.txt'), {symbol: 'ORCL', timeframeMs: 86_400_000, timezone: 'America/New_York'})
    const s = {symbols: ['ORCL'], timeframeMs: 86_400_000, sleeptimeMs: 86_400_000, broker: brokerSpec({cash: 100_000}), market: 'NYSE', strategy: {name: 'x', params: {}}} as never
    // Sells when the close two bars later is lower: a peek only at its exits.
    const strategy = (peek: boolean): StrategyDefinition => ({
      name: peek ? 'peeks-at-exits' : 'honest', description: '', params: {type: 'object'},
      create: () => ({
        onTradingIteration(ctx) {
          const h = ctx.history()
          const later = peek ? new Float64Array(h.close.buffer, h.close.byteOffset)[h.length + 1] : h.close[h.length - 3]
          if (ctx.position() === 0 && ctx.barCount() % 20 === 0) ctx.buy(5)
          else if (ctx.position() > 0 && later < ctx.close()) ctx.closePosition()
        },
      }),
    })
    const honest = await lookaheadCheck({spec: s, bars: [bars], definition: strategy(false), params: {}})
    assert.equal(honest.passed, true)
    const peeking = await lookaheadCheck({spec: s, bars: [bars], definition: strategy(true), params: {}})
    assert.equal(peeking.passed, false)
    const first = peeking.first!
    assert.equal(first.differs!.full!.side, 'sell', 'the exit moved')
    // The run it was found in: the decision at the last bar kept is the one that changed.
    const full = await runBacktest({spec: s, bars: [bars], definition: strategy(true), params: {}, calendar: createCalendar('NYSE')})
    assert.ok(full.orders.some((o) => o.id === first.differs!.full!.id && o.side === 'sell'))
  })
})
