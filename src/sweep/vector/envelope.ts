/**
 * Which way a sweep runs its combinations: the vector evaluator (indicator series computed once,
 * the broker simulated only where it acts) or the real engine, one backtest per combination. The
 * vector path reproduces the engine bit for bit only inside a known envelope, so anything outside
 * it, or anything not checked here, takes the engine: a slow number is better than a wrong one.
 * Pure functions of the spec, the strategy and the bars (plus the kernel's schedule), unit-tested.
 */
import {pluginLoadTarget} from '../../strategy/discover.js'
import type {BotSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import type {IterationSchedule} from './schedule.js'

const MAX_PRICE = 1e15

export type SweepPath = {kind: 'vector'; strategy: 'sma-cross'} | {kind: 'engine'; reason: string}

export interface EnvelopeInput {
  spec: Pick<BotSpec, 'symbols' | 'broker'>
  /** The strategy's registered name and where it came from (registry source). */
  strategy: {name: string; source: string}
  bars: readonly Bars[]
  /** `BOTS_SWEEP_PATH=engine` (or the request's `path: 'engine'`) forces the engine. */
  force?: 'engine' | 'auto'
}

export function sweepPath(o: EnvelopeInput): SweepPath {
  const engine = (reason: string): SweepPath => ({kind: 'engine', reason})
  if (o.force === 'engine') return engine('forced (BOTS_SWEEP_PATH=engine)')
  // A user's plugin may share the name; only the shipped file's behaviour is reproduced.
  if (o.strategy.name !== 'sma-cross' || pluginLoadTarget(o.strategy.source)?.shipped !== true) return engine(`no vector form for strategy "${o.strategy.name}"`)
  if (o.spec.symbols.length !== 1 || o.bars.length !== 1) return engine('more than one symbol')
  const b = o.spec.broker
  if (b.fillPrice !== 'next_open') return engine(`broker.fill_price ${b.fillPrice}`)
  if (b.maxVolumeShare !== undefined && b.maxVolumeShare > 0) return engine('broker.max_volume_share (partial fills)')
  const ins = b.instruments?.[o.spec.symbols[0]]
  if (ins?.margin !== undefined && ins.margin > 0) return engine('a futures-like instrument (margin)')
  if (ins?.lotSize !== undefined && ins.lotSize > 0) return engine('a lot size (quantities rounded to lots)')
  const c = b.commission
  const numbers = [b.cash, b.slippageBps, c.perShare, c.percent, c.fixed, c.minimum, ins?.multiplier ?? 1]
  if (!numbers.every(Number.isFinite) || !(b.cash > 0)) return engine('broker figures outside the vector envelope')
  const bars = o.bars[0]
  if (bars.length === 0) return engine('no bars')
  // The engine's curve and metrics read the whole time array; the vector path assumes it holds exactly the bars.
  if (bars.time.length !== bars.length) return engine('a time array longer than the bars')
  const open = bars.open
  const close = bars.close
  // The vector path assumes every bar can fill and mark (a NaN or non-positive price is the
  // engine's case) and that no SMA reaches infinity (its crossovers compare differences).
  for (let i = 0; i < bars.length; i++) {
    if (!(open[i] > 0 && close[i] > 0 && open[i] < MAX_PRICE && close[i] < MAX_PRICE)) return engine(`bar ${i} has a price the vector path does not model`)
  }
  return {kind: 'vector', strategy: 'sma-cross'}
}

/**
 * The kernel's schedule is one the vector path follows: iterations on strictly increasing bars,
 * and every order placed at an iteration filled before the next one (so an order is never still
 * pending when the strategy next looks at its position). Undefined when it is; else why not.
 */
export function scheduleProblem(s: IterationSchedule): string | undefined {
  if (s.iterations < 0) return 'iterations that do not each see a new bar'
  const fillAt = s.fillAt
  let pendingUntil = -1
  for (let i = 0; i < fillAt.length; i++) {
    const f = fillAt[i]
    if (f < 0) continue
    if (i < pendingUntil) return `an order placed at bar ${i} would still be pending at the next iteration`
    pendingUntil = f
  }
  return undefined
}
