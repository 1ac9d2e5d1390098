/** What the end-to-end tests of `bots live` on `bots twin` share: a store of bars, a twin, specs, a strategy. */
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before} from 'node:test'
import {closeStore, importFiles, openStore} from '../../src/data/index.js'
import {startTwin, type Twin} from '../../src/twin/index.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {SAFETY_MS, type LiveProcess} from '../service/helpers.js'

export const S = 'IDX/USDT'
export const KEY = 'e2e-key-7c1f9a'
export const SECRET = 'e2e-secret-4be20d'
export const EVERY = 3

// Buys, then sells, every EVERY iterations, and says so for the test to follow.
export const TOGGLE = `import {defineStrategy} from 'bots'
export default defineStrategy<{every: number}>({
  name: 'toggle-every',
  description: 'Buys one unit, then sells it, every \`every\` iterations; logs each iteration.',
  params: {type: 'object', properties: {every: {type: 'integer', minimum: 1, default: 3, description: 'Iterations between orders.'}}, additionalProperties: false},
  create(p) {
    let n = 0
    return {
      onTradingIteration(ctx) {
        n++
        ctx.log.info('iteration ' + n)
        if (n % p.every === 0) ctx.position() === 0 ? ctx.buy(1) : ctx.sell(1)
      },
    }
  },
})
`

// toggle-every with a warm-up: it needs 4 bars before it may order.
export const WARM_TOGGLE = TOGGLE.replace("name: 'toggle-every'", "name: 'warm-toggle',\n  warmup: () => 4").replace('if (n % p.every === 0)', 'if (n > 4 && n % p.every === 0)')

export function spec(dir: string, name: string, twin: Twin, keyEnv: string, broker: 'exchange' | 'paper' = 'exchange'): string {
  const file = path.join(dir, `${name}.yaml`)
  writeFileSync(file, [
    `name: ${name}`,
    'strategy: {name: toggle-every, params: {every: ' + EVERY + '}}',
    `symbols: [${S}]`,
    'timeframe: 5M',
    'market: 24/7',
    'broker: {cash: 100000}',
    'live:',
    '  feed: {type: exchange, clock: bars}',
    `  broker: {type: ${broker}}`,
    '  exchange:',
    '    id: binance',
    `    api_url: ${twin.apiUrl}`,
    `    ws_url: ${twin.wsUrl}`,
    `    credentials_env: {key: ${keyEnv}, secret: TWIN_E2E_SECRET}`,
  ].join('\n') + '\n')
  return file
}

/** A wait on the twin with a safety net: past it, fail with what the service printed. */
export function twinWait<T>(p: Promise<T>, what: string, live: LiveProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const net = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`twin: ${what} did not happen within ${SAFETY_MS / 1000} s (safety net)\n--- output ---\n${live.output()}`)), SAFETY_MS)
  })
  return Promise.race([p, net]).finally(() => clearTimeout(timer))
}

export const ENV = {TWIN_E2E_KEY: KEY, TWIN_E2E_SECRET: SECRET, TWIN_E2E_WRONG: 'not-the-key'}

export interface Rig {
  dir: string
  strategies: string
  twinDb: string
  /** A twin holding every REST answer 40 ms (an order request can be caught on its way). */
  twin: Twin
}

/** The suite's folder, strategies and twin store, made in `before` and closed in `after`. */
export function rig(prefix: string): Rig {
  const r = {dir: tempDir(prefix)} as Rig
  r.strategies = path.join(r.dir, 'strategies')
  r.twinDb = path.join(r.dir, 'twin.duckdb')
  before(async () => {
    mkdirSync(r.strategies)
    writeFileSync(path.join(r.strategies, 'toggle-every.ts'), TOGGLE)
    writeFileSync(path.join(r.strategies, 'warm-toggle.ts'), WARM_TOGGLE)
    const store = await openStore({path: r.twinDb})
    try {
      await importFiles(store, [`${ROOT}examples/data/index-2006-5min.csv`], {symbol: S, timeframe: '5m'})
    } finally {
      await closeStore(store)
    }
    r.twin = await startTwin({db: r.twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET,
      cash: {asset: 'USDT', amount: 1_000_000}, faults: {latencyMs: 40}})
  })
  after(() => r.twin?.close())
  return r
}
