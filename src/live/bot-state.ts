import type {LiveSession} from './live-session.js'
import type {BotState} from './runtime-types.js'

const orNull = (x: number): number | null => (x === x ? x : null)

/**
 * The bot's state as plain JSON: NaN and ±Infinity become null; `ctx.state` is deep-copied. A
 * non-checkpoint state carries the latest checkpoint (without its own chain), its resume point.
 */
export function takeSnapshot(botId: string, strategy: string, s: LiveSession, last: BotState | null | 'checkpoint'): BotState {
  const view = s.view
  const symbols = [...view.symbols]
  const now = s.clock.now()
  return {
    version: 1,
    checkpoint: last === 'checkpoint',
    ...(last === 'checkpoint' ? {} : {lastCheckpoint: last}),
    botId,
    strategy,
    symbols,
    timeframeMs: view.timeframeMs,
    time: Number.isFinite(now) ? now : 0, // a feed clock before its first bar has no time yet
    firstBarTime: orNull(s.firstBarTime),
    ...(s.warmEnd === s.warmEnd ? {warmEnd: s.warmEnd} : {}),
    lastBarTime: Object.fromEntries(symbols.map((sym, k) => [sym, orNull(s.lastBarTime[k])])),
    ...s.broker.snapshot(),
    equity: orNull(s.broker.portfolioValue()),
    fillCount: s.fillCount,
    strategyState: JSON.parse(JSON.stringify(s.api.state)) as Record<string, unknown>,
    iterations: s.kernel.iterations,
    lastIterationTime: orNull(s.kernel.lastIterationTime),
    sleeptimeMs: s.api.sleeptimeMs,
    scheduler: s.kernel.save(),
  }
}

/** Where a given state resumes from: itself if a checkpoint, else the checkpoint it carries. */
export function resumePoint(state: BotState): BotState | undefined {
  const point = state.checkpoint ? state : state.lastCheckpoint
  // No bar processed yet: nothing to restore that a fresh start would not redo.
  return point && point.firstBarTime !== null ? point : undefined
}
