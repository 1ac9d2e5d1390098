/** A live bot's saved state: plain JSON, enough to resume after the whole process died. */
import type {BrokerSnapshot} from '../broker/broker-snapshot.js'

export type {OpenTradeState, OrderState, PositionState} from '../broker/broker-snapshot.js'

// JSON has no NaN or Infinity: they are written as null.

/**
 * Everything needed to resume a bot after the whole process died. Plain JSON. Any state the bot
 * hands out can be given back as `initialState`: a checkpoint resumes from itself, any other
 * (the state at a fill, at a crash, a `snapshot()` taken mid-step) from the checkpoint it carries.
 */
export interface BotState extends BrokerSnapshot {
  version: 1
  /**
   * True when every event at or before `time` has run and nothing after (`onCheckpoint`, the state
   * `stop()` returns). A state taken in the middle of a step is not: resuming from it would lose the
   * rest of that step, so it carries `lastCheckpoint` and resuming uses that.
   */
  checkpoint: boolean
  /** Non-checkpoint states: the latest checkpoint before them (null: none yet, resume = start afresh). */
  lastCheckpoint?: BotState | null
  botId: string
  strategy: string
  symbols: string[]
  timeframeMs: number
  /** Clock time of the snapshot. In a checkpoint, every event at or before it has run. */
  time: number
  /** Open time of the first bar this bot ever processed (warm-up replays from here); null before any. */
  firstBarTime: number | null
  /**
   * A bot that started fresh on a feed's recent bars (warmFresh): the open time of the last of
   * them. Its orders until then were on a scratch broker and ended there; a resume replays that the
   * same way. Absent (or null): no such warm-up, or a state saved before it was kept.
   */
  warmEnd?: number | null
  /** Open time of the last bar processed, per symbol (null: none yet). */
  lastBarTime: Record<string, number | null>
  // The account and working orders (BrokerSnapshot): cash, P&L, positions, openOrders, openTrades, nextOrderId.
  /**
   * The account value at `time` as the broker computes it (cash + each position at its mark ×
   * multiplier; margin plus unsettled P&L for a futures-like symbol): what metrics and `bots status`
   * show. Output only: a resume recomputes it. Absent in states saved before it existed; null when
   * not finite.
   */
  equity?: number | null
  /** Fills so far (all time). */
  fillCount: number
  /** The strategy's `ctx.state`. */
  strategyState: Record<string, unknown>
  /** The scheduler: iterations so far, the last one's time, the sleeptime the strategy last set. */
  iterations: number
  lastIterationTime: number | null
  sleeptimeMs: number
  /** Where the market-event schedule stands (opaque to the service). */
  scheduler: SchedulerState
}

/** The schedule's position: the session in progress and the earliest next iteration. */
export interface SchedulerState {
  mode: 'daily' | 'intraday'
  /** The session whose hooks are in progress (intraday on an exchange calendar); null: none. */
  session: {open: number; close: number; opened: boolean; preClosed: boolean} | null
  /** The close of the last finished session (where the next one is looked up from). */
  anchor: number | null
  /** No iteration before this (last iteration + sleeptime); null: at the next bar. */
  wake: number | null
}

