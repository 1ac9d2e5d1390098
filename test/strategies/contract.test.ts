/**
 * What every shipped strategy must do (each file in strategies/): be a well-formed definition
 * whose params document themselves, trade on the data it is made for (orders and fills, so the
 * other checks are not passed vacuously), place no order before its warm-up, give the same
 * orders for the same bars, and keep only JSON-safe state.
 */
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import {test} from 'node:test'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {Ajv2020} from 'ajv/dist/2020.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest, type RunBacktestOptions} from '../../src/engine/run-backtest.js'
import {isStrategyDefinition} from '../../src/strategy/definition.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {brokerSpec} from '../engine/engine-fixtures.js'
import {observe} from './observe.js'

const DIR = fileURLToPath(new URL('../../strategies/', import.meta.url))
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
const DAY = 86_400_000
const MIN5 = 300_000

interface Dataset {
  label: string
  bars: () => RunBacktestOptions['bars']
  tf: number
  calendar: RunBacktestOptions['calendar']
}

/** Read once per file: each run gets the same parsed bars (the engine does not change them). */
const once = <T>(f: () => T) => {
  let v: T | undefined
  return () => (v ??= f())
}

const DATA: Record<'daily' | 'intraday', Dataset> = {
  daily: {
    label: 'ORCL daily, NYSE',
    bars: once(() => readCsvBars(dataFile('orcl-1995-2014.txt'), {symbol: 'X', timeframeMs: DAY, timezone: 'America/New_York'})),
    tf: DAY,
    calendar: createCalendar('NYSE'),
  },
  intraday: {
    label: '5-minute index, Berlin sessions',
    bars: once(() => readCsvBars(dataFile('2006-min-005.txt'), {symbol: 'X', timeframeMs: MIN5, timezone: 'Europe/Berlin', timeLabel: 'close'})),
    tf: MIN5,
    calendar: createCalendar({timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []}),
  },
}

/**
 * The data each shipped strategy is made to trade on; every run must place orders and fill some.
 * A new strategy needs an entry (the first test says so). `opening-range` trades sessions of
 * intraday bars: on daily bars it has no opening range to break out of.
 */
const TRADES_ON: Record<string, (keyof typeof DATA)[]> = {
  'sma-cross': ['daily', 'intraday'],
  'buy-and-hold': ['daily', 'intraday'],
  'monthly-rebalance': ['daily', 'intraday'],
  'opening-range': ['intraday'],
}

// Params a strategy requires and has no default for (the runs trade one symbol, X).
const REQUIRED: Record<string, Record<string, unknown>> = {
  'monthly-rebalance': {weights: {X: 0.9}},
}

/** Params with the schema's defaults applied, as the registry would hand them over. */
function defaults(def: StrategyDefinition): Record<string, unknown> {
  const params: Record<string, unknown> = structuredClone(REQUIRED[def.name] ?? {})
  const ajv = new Ajv2020({useDefaults: true, strict: false})
  assert.ok(ajv.validate(def.params, params), `defaults of ${def.name} pass its own schema (add required params to REQUIRED)`)
  return params
}

test('strategies/ ships sma-cross, buy-and-hold and an intraday strategy; each says what data it trades on', () => {
  for (const f of ['sma-cross.ts', 'buy-and-hold.ts', 'opening-range.ts']) assert.ok(files.includes(f), f)
  assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), Object.keys(TRADES_ON).sort(), 'add the new strategy to TRADES_ON')
})

for (const file of files) {
  test(`${file}: a strategy definition whose every param has a description`, async () => {
    const def = (await import(pathToFileURL(DIR + file).href)).default
    assert.ok(isStrategyDefinition(def))
    assert.equal(`${def.name}.ts`, file, 'the file is named after the strategy')
    assert.equal(def.params.type, 'object')
    for (const [key, schema] of Object.entries(def.params.properties ?? {})) assert.equal(typeof (schema as {description?: unknown}).description, 'string', key)
    assert.deepEqual(def.check?.(defaults(def)) ?? [], [], 'the defaults pass check()')
  })

  for (const data of (TRADES_ON[file.replace(/\.ts$/, '')] ?? []).map((k) => DATA[k])) {
    test(`${file} on ${data.label}: trades, no order before warm-up, same bars → same orders, JSON-safe state`, async () => {
      const def: StrategyDefinition = (await import(pathToFileURL(DIR + file).href)).default
      const params = defaults(def)
      const run = async () => {
        const {definition, seen} = observe(def)
        const spec = {symbols: ['X'], timeframeMs: data.tf, sleeptimeMs: data.tf, broker: brokerSpec()}
        const result = await runBacktest({spec, bars: data.bars(), definition, params, calendar: data.calendar})
        return {result, seen}
      }
      const a = await run()
      const b = await run()
      assert.ok(a.seen.orders.length > 0, `${def.name} placed no order on ${data.label}`)
      assert.ok(a.result.fills.length > 0, `${def.name} had no fill on ${data.label}`)
      const warmup = def.warmup?.(params) ?? 1
      for (const {order, barCount} of a.seen.orders) assert.ok(barCount >= warmup, `order #${order.id} after ${barCount} bars, warm-up ${warmup}`)
      assert.deepEqual(
        b.seen.orders.map(({order}) => JSON.stringify(order)),
        a.seen.orders.map(({order}) => JSON.stringify(order)),
      )
      assert.deepEqual(JSON.parse(JSON.stringify(a.seen.state)), a.seen.state)
    })
  }
}
