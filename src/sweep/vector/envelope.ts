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
import type {RulesPlan} from '../../rules/plan.js'

const MAX_PRICE = 1e15

export type SweepPath = {kind: 'vector'; strategy: 'sma-cross' | 'rules'} | {kind: 'engine'; reason: string}

export interface EnvelopeInput {
  spec: Pick<BotSpec, 'symbols' | 'broker'>
  /** The strategy's registered name and where it came from (registry source). */
  strategy: {name: string; source: string}
  /**
   * For a strategy made of rules (the built-in `rules`, or a `kind: strategy` spec): every valid
   * combination's plan, as a backtest plans it. Undefined for any other strategy.
   */
  rulesPlans?: readonly RulesPlan[]
  bars: readonly Bars[]
  /** `BOTS_SWEEP_PATH=engine` (or the request's `path: 'engine'`) forces the engine. */
  force?: 'engine' | 'auto'
}

export function sweepPath(o: EnvelopeInput): SweepPath {
  const engine = (reason: string): SweepPath => ({kind: 'engine', reason})
  if (o.force === 'engine') return engine('forced (BOTS_SWEEP_PATH=engine)')
  let strategy: 'sma-cross' | 'rules'
  if (o.rulesPlans !== undefined) {
    strategy = 'rules'
    for (const plan of o.rulesPlans) {
      const problem = rulesProblem(plan)
      if (problem !== undefined) return engine(problem)
    }
  } else if (o.strategy.name === 'sma-cross' && pluginLoadTarget(o.strategy.source)?.shipped === true) {
    strategy = 'sma-cross'
  } else {
    // A user's plugin may share the name; only the shipped file's behaviour is reproduced.
    return engine(`no vector form for strategy "${o.strategy.name}"`)
  }
  const problem = marketProblem(o)
  return problem === undefined ? {kind: 'vector', strategy} : engine(problem)
}

/** What in a rules plan the vector path does not reproduce, in words; undefined when nothing. */
export function rulesProblem(plan: RulesPlan): string | undefined {
  if (plan.timeframes.length > 0) return `rules on a higher timeframe (${plan.timeframes.map((t) => t.text).join(', ')})`
  if (plan.symbols.length > 0 || plan.ranks.length > 0) return 'rules that read other symbols (of, close_of, rank)'
  const stops = (['stop_loss', 'take_profit', 'trailing_stop'] as const).filter((_, k) => [plan.stopLoss, plan.takeProfit, plan.trailingStop][k] !== undefined)
  if (stops.length > 0) return `rules with ${stops.join(', ')} (stop and limit orders)`
  return undefined
}

/** What in the symbols, the broker or the bars the vector path does not model; undefined when nothing. */
function marketProblem(o: EnvelopeInput): string | undefined {
  if (o.spec.symbols.length !== 1 || o.bars.length !== 1) return 'more than one symbol'
  const b = o.spec.broker
  if (b.fillPrice !== 'next_open') return `broker.fill_price ${b.fillPrice}`
  if (b.maxVolumeShare !== undefined && b.maxVolumeShare > 0) return 'broker.max_volume_share (partial fills)'
  const ins = b.instruments?.[o.spec.symbols[0]]
  if (ins?.margin !== undefined && ins.margin > 0) return 'a futures-like instrument (margin)'
  if (ins?.lotSize !== undefined && ins.lotSize > 0) return 'a lot size (quantities rounded to lots)'
  const c = b.commission
  const numbers = [b.cash, b.slippageBps, c.perShare, c.percent, c.fixed, c.minimum, ins?.multiplier ?? 1]
  if (!numbers.every(Number.isFinite) || !(b.cash > 0)) return 'broker figures outside the vector envelope'
  const bars = o.bars[0]
  if (bars.length === 0) return 'no bars'
  // The engine's curve and metrics read the whole time array; the vector path assumes it holds exactly the bars.
  if (bars.time.length !== bars.length) return 'a time array longer than the bars'
  const open = bars.open
  const close = bars.close
  // The vector path assumes every bar can fill and mark (a NaN or non-positive price is the
  // engine's case; a NaN close is no bar at all to the rules) and that no SMA reaches infinity
  // (sma-cross's crossovers compare differences).
  for (let i = 0; i < bars.length; i++) {
    if (!(open[i] > 0 && close[i] > 0 && open[i] < MAX_PRICE && close[i] < MAX_PRICE)) return `bar ${i} has a price the vector path does not model`
  }
  return undefined
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
