/** What the sweep's main thread and its workers say to each other. */
import type {Diagnostic} from '../core/errors.js'
import type {BacktestResult} from '../engine/result.js'
import type {Trade} from '../model/trade.js'
import type {BenchmarkPart, MetricsSettings} from '../metrics/metrics.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {PackedBars} from './shared-bars.js'
import type {VectorInit} from './vector/vector-jobs.js'
import type {PackedTrades} from '../model/packed-trades.js'
import type {RankKey} from './rank-key.js'
import type {SentMetrics} from './sent-metrics.js'

export interface WorkerInit {
  spec: BotSpec
  /** `--strategies` folders and the working folder, so discovery finds what the main thread found. */
  strategies?: string[]
  cwd: string
  bars: PackedBars[]
  /** Buy-and-hold's figures: the same for every run, computed once. */
  benchmark: BenchmarkPart
  settings: MetricsSettings
  /** Set: the vector path (envelope.ts), with the sweep's shared indicator series. */
  vector?: VectorInit
  /** The ranking metric: a run scoring below a job's `equityFloor` sends no equity curve back. */
  rankBy?: RankKey
  /** How many runs' curves the sweep keeps (0: none, a sweep not recorded: results then carry no curve). */
  top?: number
  /** Whether results carry the runs' trades (default true); only a recorded sweep needs them. */
  trades?: boolean
}

export interface JobMessage {
  index: number
  params: Record<string, unknown>
  /**
   * The score of the sweep's current N-th best run when the job was sent: a run scoring below it
   * can never be in the top N, whose curves alone are kept, so its curve is not sent back.
   */
  equityFloor?: number
}

/** The main thread asks a vector worker for the curves it kept of these runs (the sweep's top N). */
export interface EquityRequest {
  kind: 'equity'
  indexes: number[]
}

export type ResultMessage =
  | {kind: 'result'; index: number; metrics: SentMetrics; trades: Trade[]; equity: Float64Array; counts: BacktestResult['counts']; packedTrades?: PackedTrades}
  | {kind: 'error'; index: number; message: string; diagnostic?: Diagnostic}
  | {kind: 'equity'; items: Array<{index: number; equity: Float64Array}>}
