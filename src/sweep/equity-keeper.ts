/**
 * A vector sweep worker's equity curves: it keeps the curves of its own N best runs (by score,
 * then sweep order, as the ranking orders them) and hands over those the main thread asks for at
 * the end, the sweep's top N, which are all among the workers' own top N. A curve sent with every
 * result (8 MB a million-bar run) made the main thread collect garbage after nearly every one.
 */
export class EquityKeeper {
  private readonly kept: Array<{index: number; score: number; equity: Float64Array}> = []

  constructor(private readonly top: number) {}

  /** Keeps the curve if it is among the N best so far; returns a curve no longer kept (to reuse), if any. */
  offer(index: number, score: number, equity: Float64Array): Float64Array | undefined {
    if (this.top <= 0) return equity
    const kept = this.kept
    const better = (a: {index: number; score: number}, b: {index: number; score: number}) => a.score > b.score || (a.score === b.score && a.index < b.index)
    const run = {index, score, equity}
    if (kept.length < this.top) {
      kept.push(run)
      return undefined
    }
    let worst = 0
    for (let k = 1; k < kept.length; k++) if (better(kept[worst], kept[k])) worst = k
    if (!better(run, kept[worst])) return equity
    const out = kept[worst].equity
    kept[worst] = run
    return out
  }

  /** The kept curves of these runs (given up: their buffers are transferred). */
  take(indexes: readonly number[]): Array<{index: number; equity: Float64Array}> {
    const wanted = new Set(indexes)
    return this.kept.filter((r) => wanted.has(r.index)).map((r) => ({index: r.index, equity: r.equity}))
  }
}
