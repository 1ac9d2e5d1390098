import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {LiveSession} from './live-session.js'
import type {BotState, Feed, FeedSubscription} from './runtime-types.js'

export interface Resumed {
  /** Where the feed picks up: after this bar (undefined: from its start). */
  after: number | undefined
}

/**
 * A fresh bot on a feed with recent history (an exchange): the latest `n` closed bars run through
 * the kernel as live bars would (reported as bars, so `bots parity` replays them too), against a
 * scratch paper broker whose orders are discarded; then a fresh broker (the exchange's) takes
 * over and live delivery starts after the last of them.
 */
export async function warmFresh(s: LiveSession, feed: Feed, sub: FeedSubscription, n: number, makeBroker: () => SimulatedBroker): Promise<Resumed & {initialized: boolean}> {
  const history = await feed.recent!(sub, n)
  if (history.length === 0) {
    // Nothing to warm on: a fresh start (on a feed clock, `initialize` waits for the first bar).
    s.swapBroker(brokerFor(s, makeBroker))
    if (s.clock.kind === 'wall') await s.hook('initialize')
    return {after: undefined, initialized: s.clock.kind === 'wall'}
  }
  // Quiet: nothing the scratch broker does is an order or a fill of this bot.
  s.quiet = true
  s.clock.advanceTo(history[0].time)
  await s.hook('initialize')
  for (const batch of history) {
    s.view.append(batch)
    await s.advance(batch.close)
  }
  s.endScratchOrders()
  s.warmEnd = history[history.length - 1].time
  s.quiet = false
  // The bars themselves are what the strategy saw: recorded, so `bots parity` replays them too.
  s.reportBars()
  s.swapBroker(brokerFor(s, makeBroker))
  return {after: history[history.length - 1].time, initialized: true}
}

function brokerFor(s: LiveSession, makeBroker: () => SimulatedBroker): SimulatedBroker {
  const broker = makeBroker()
  broker.listener = s.invoker
  // The account starts as the spec says; the last prices seen are known already.
  const last = s.view.length - 1
  if (last >= 0) broker.markBar(last)
  return broker
}

/**
 * Resumes a bot from its saved state. Strategies keep indicators in their own closures, which no
 * state file holds; so the fresh strategy is warmed up by replaying the feed's history (from the
 * bot's first bar through its last) through the same session kernel against a scratch broker, quietly, as the
 * original run saw it. Then the saved account (cash, positions, working orders, next order id)
 * takes over from the scratch broker and `ctx.state` is the saved one. On a paper broker over the
 * same bars the scratch account equals the saved one; the saved one wins regardless.
 */
export async function resume(
  s: LiveSession,
  feed: Feed,
  sub: FeedSubscription,
  state: BotState,
  makeBroker: () => SimulatedBroker,
  makeScratch: () => SimulatedBroker,
): Promise<Resumed> {
  const times = Object.values(state.lastBarTime).filter((t): t is number => t !== null)
  const last = times.length > 0 ? Math.max(...times) : undefined
  const history = state.firstBarTime !== null && last !== undefined ? await feed.history(sub, state.firstBarTime, last) : []

  s.quiet = true
  if (history.length > 0) s.clock.advanceTo(history[0].time)
  else s.clock.advanceTo(state.time)
  await s.hook('initialize')
  // A fresh bot's warm-up ended its scratch orders and went on with an empty account: so does the
  // replay, at the same bar, or it carries the warm-up's decisions (a position, a stop level) into
  // the bars after, which the bot never had.
  const warmEnd = state.warmEnd ?? NaN
  s.warmEnd = warmEnd
  let warming = warmEnd === warmEnd
  for (const batch of history) {
    s.view.append(batch)
    await s.advance(batch.close)
    if (warming && batch.time >= warmEnd) {
      warming = false
      s.endScratchOrders()
      s.swapBroker(brokerFor(s, makeScratch))
    }
  }
  const warmed = last !== undefined && s.view.lastTime === last
  s.clock.advanceTo(state.time)

  const broker = makeBroker()
  broker.restore(state)
  broker.listener = s.invoker
  s.swapBroker(broker)

  const ctxState = s.api.state
  for (const key of Object.keys(ctxState)) delete ctxState[key]
  Object.assign(ctxState, structuredClone(state.strategyState))
  s.api.sleeptimeMs = state.sleeptimeMs
  s.kernel.iterations = state.iterations
  s.kernel.lastIterationTime = state.lastIterationTime ?? NaN
  s.fillCount = state.fillCount
  s.firstBarTime = state.firstBarTime ?? NaN
  s.view.symbols.forEach((sym, k) => (s.lastBarTime[k] = state.lastBarTime[sym] ?? NaN))
  // The warm-up replayed the schedule exactly; without history the saved position is all there is.
  if (!warmed) s.kernel.restore(state.scheduler)
  s.quiet = false
  return {after: last}
}
