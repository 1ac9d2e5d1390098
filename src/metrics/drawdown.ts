/**
 * Drawdowns of an equity curve in one pass (hot path). The initial cash is the first peak, dated
 * at the curve's first point; a point is under water while its value is below the running peak.
 *
 * - The maximum drawdown is the deepest fall (peak − value) / peak, with the time of its peak,
 *   its trough and its recovery (the first later point back at or above that peak; none if the
 *   curve never gets back).
 * - A drawdown's duration runs from its peak (the last point at the peak before the fall) to its recovery, or to the last point when it has
 *   not recovered. The longest drawdown is the longest such spell, whatever its depth.
 * Times are the curve's own (bar open times); bars are counted between the two points.
 */
export interface DrawdownSpell {
  /** Fraction of the peak, 0.2 = 20%. */
  depth: number
  peakTime: number
  troughTime: number
  /** The point back at the peak; null when the curve ended under water. */
  recoveryTime: number | null
  /** Peak to recovery (or to the last point), in ms and in bars. */
  durationMs: number
  durationBars: number
}

export interface DrawdownStats {
  max: DrawdownSpell
  longest: DrawdownSpell
  /** The curve's highest value, the initial cash included (the last running peak). */
  peak: number
}

const NONE: DrawdownSpell = {depth: 0, peakTime: NaN, troughTime: NaN, recoveryTime: null, durationMs: 0, durationBars: 0}

/**
 * A spell as `eachSpell` reports it: its depth and the indices of its peak, trough and end (its
 * recovery, or the last point when `recovered` is false). No object per spell: a long run has tens
 * of thousands of them, and the metrics keep two.
 */
type OnSpell = (depth: number, peakAt: number, troughAt: number, end: number, recovered: boolean) => void

function spellOf(time: ArrayLike<number>, depth: number, peakAt: number, troughAt: number, end: number, recovered: boolean): DrawdownSpell {
  return {depth, peakTime: time[peakAt], troughTime: time[troughAt], recoveryTime: recovered ? time[end] : null, durationMs: time[end] - time[peakAt], durationBars: end - peakAt}
}

export function drawdowns(initial: number, time: ArrayLike<number>, value: ArrayLike<number>): DrawdownStats {
  // The deepest spell (the first at equal depth) and the longest (the deeper at equal length): an
  // object only for a spell that displaces one of them.
  let max = NONE
  let longest = NONE
  const peak = eachSpell(initial, time, value, (depth, peakAt, troughAt, end, recovered) => {
    const ms = time[end] - time[peakAt]
    const deeper = depth > max.depth
    const longer = ms > longest.durationMs || (ms === longest.durationMs && depth > longest.depth)
    if (!deeper && !longer) return
    const s = spellOf(time, depth, peakAt, troughAt, end, recovered)
    if (deeper) max = s
    if (longer) longest = s
  })
  return {max, longest, peak}
}

/**
 * Every drawdown spell of the curve (the same spells, peaks, troughs and recoveries as
 * `drawdowns`), in time order; the report lists the deepest few.
 */
export function drawdownSpells(initial: number, time: ArrayLike<number>, value: ArrayLike<number>): DrawdownSpell[] {
  const out: DrawdownSpell[] = []
  eachSpell(initial, time, value, (...s) => out.push(spellOf(time, ...s)))
  return out
}

/**
 * The one walk over the curve: each spell with a depth, in time order; returns the last running
 * peak. The walk's state stays in locals (a closure over them made every point read and write
 * them in memory: ~2× slower).
 */
function eachSpell(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, on: OnSpell): number {
  const n = value.length
  let peak = initial
  let peakAt = 0 // index of the current peak's point (the initial cash is dated at point 0)
  let troughAt = 0
  let depth = 0 // depth of the current spell
  for (let i = 0; i < n; i++) {
    const v = value[i]
    if (v >= peak) {
      if (depth > 0) on(depth, peakAt, troughAt, i, true)
      // The last point at the peak starts the next spell (as a zero-drawdown run ends there).
      peakAt = i
      peak = v
      depth = 0
      troughAt = i
    } else {
      const dd = (peak - v) / peak
      if (dd > depth) {
        depth = dd
        troughAt = i
      }
    }
  }
  if (depth > 0) on(depth, peakAt, troughAt, n - 1, false)
  return peak
}

/**
 * The `count` deepest spells, deepest first (the earlier first at equal depth). Kept while walking:
 * a long run has tens of thousands of spells, and keeping them all until a sort made the
 * young-generation collector copy every one of them.
 */
export function worstDrawdowns(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, count = 5): DrawdownSpell[] {
  const worst = new DeepestSpells(time, count)
  if (count > 0) eachSpell(initial, time, value, worst.add.bind(worst))
  return worst.spells()
}

/** Keeps the `count` deepest of the spells added in time order, deepest first. */
class DeepestSpells {
  /**
   * A slot not filled yet holds NONE, which every spell is deeper than. Fixed slots, not a growing
   * list: the first spells come before V8 records how `add` runs, and a path it has not seen
   * (growing the list) threw the optimised walk away on the next curve.
   */
  private readonly slots: DrawdownSpell[]

  constructor(private readonly time: ArrayLike<number>, count: number) {
    this.slots = Array.from({length: Math.max(0, count)}, () => NONE)
  }

  spells(): DrawdownSpell[] {
    return this.slots.filter((s) => s !== NONE)
  }

  /** The next spell, as `eachSpell` reports it (its depth above zero). */
  add(depth: number, peakAt: number, troughAt: number, end: number, recovered: boolean): void {
    const slots = this.slots
    const count = slots.length
    // Spells come in time order, so a later spell displaces only a strictly deeper one's place.
    if (count === 0 || !(depth > slots[count - 1].depth)) return
    const s = spellOf(this.time, depth, peakAt, troughAt, end, recovered)
    let i = count - 1
    while (i > 0 && depth > slots[i - 1].depth) {
      slots[i] = slots[i - 1]
      i--
    }
    slots[i] = s
  }
}

/**
 * The drawdown at every point, as a fraction of the running peak (for charts). `deepestAt`, when
 * given (one slot per bucket): where each bucket's deepest is, the last of equal depths (a bucket
 * never under water: its last point); its last point when that is NaN.
 */
export function drawdownSeries(initial: number, value: ArrayLike<number>, bucket = 1, deepestAt?: Int32Array): Float64Array {
  return seriesWalk(initial, value, bucket, deepestAt)
}

/** What the report draws and lists of a curve's drawdowns, from one walk over it. */
export interface DrawdownChart {
  /** `drawdownSeries(initial, value, bucket, deepestAt)`. */
  series: Float64Array
  deepestAt: Int32Array
  /** `worstDrawdowns(initial, time, value, count)`. */
  worst: DrawdownSpell[]
}

/**
 * drawdownSeries and worstDrawdowns in one walk: on a long run each is a pass over a million
 * points, mostly made before V8 has optimised it (the report is drafted once per process).
 */
export function drawdownChart(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, bucket: number, count: number): DrawdownChart {
  const deepestAt = new Int32Array(Math.ceil(value.length / bucket))
  const worst = new DeepestSpells(time, count)
  const series = seriesWalk(initial, value, bucket, deepestAt, worst)
  return {series, deepestAt, worst: worst.spells()}
}

/**
 * drawdownSeries, adding each spell to `spells` as eachSpell finds them: one running peak serves
 * both (a point equal to it is the next spell's peak point and changes nothing in the series);
 * only the series takes a peak at or below zero as no drawdown.
 */
function seriesWalk(initial: number, value: ArrayLike<number>, bucket: number, deepestAt?: Int32Array, spells?: DeepestSpells): Float64Array {
  // With bucket > 1: the deepest drawdown of each run of `bucket` points (what a chart of that
  // resolution draws), without the full-length series.
  const n = value.length
  const out = new Float64Array(Math.ceil(n / bucket))
  let peak = initial
  let peakAt = 0
  let troughAt = 0
  let depth = 0 // the current spell's
  for (let k = 0, from = 0; from < n; k++, from += bucket) {
    const to = Math.min(n, from + bucket)
    let deepest = -Infinity
    let at = to - 1
    let d = 0
    for (let i = from; i < to; i++) {
      const v = value[i]
      if (v >= peak) {
        if (depth > 0 && spells !== undefined) spells.add(depth, peakAt, troughAt, i, true)
        peak = v
        peakAt = i
        troughAt = i
        depth = 0
      }
      const fall = (peak - v) / peak
      if (fall > depth) {
        depth = fall
        troughAt = i
      }
      d = peak > 0 ? fall : 0
      if (d >= deepest) {
        deepest = d
        at = i
      }
    }
    // As the chart took it: NaN when the bucket's last point is (a NaN never compares greater).
    out[k] = d === d ? deepest : NaN
    if (deepestAt !== undefined) deepestAt[k] = d === d ? at : to - 1
  }
  if (depth > 0 && spells !== undefined) spells.add(depth, peakAt, troughAt, n - 1, false)
  return out
}
