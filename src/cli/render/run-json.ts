/** The --json shapes of recorded runs (plain data; NaN metrics are null, as stored). */
import type {Trade} from '../../model/trade.js'
import type {RunRow} from '../../results/read-runs.js'

export function runSummaryJson(r: RunRow): Record<string, unknown> {
  return {
    id: r.id,
    created: r.created,
    specFile: r.specFile,
    specName: r.specName,
    specHash: r.specHash,
    barsHash: r.barsHash,
    strategy: r.strategy,
    params: r.params,
    symbols: r.symbols,
    timeframe: r.timeframe,
    start: r.start,
    end: r.end,
    lastBar: r.lastBar,
    bars: r.bars,
    sweepId: r.sweepId,
    equityStored: r.equityStored,
    equityResolution: r.equityResolution,
    metrics: r.metrics,
  }
}

export function runJson(r: RunRow, trades: Trade[], equity?: {time: Float64Array; value: Float64Array; benchmark: Float64Array}): Record<string, unknown> {
  return {
    ...runSummaryJson(r),
    spec: r.spec,
    trades,
    ...(equity ? {equity: {time: Array.from(equity.time), value: Array.from(equity.value), benchmark: Array.from(equity.benchmark)}} : {}),
  }
}
