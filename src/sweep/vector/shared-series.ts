/**
 * Series computed once for a whole sweep and read in place by every worker. The main thread
 * lists the jobs (an SMA period; a rules indicator, one array per output) and, when they fit the
 * memory budget, gives each array a slot of one SharedArrayBuffer: each job is then computed by
 * whichever worker claims it first (an atomic counter), and a worker that needs a job another is
 * still computing waits for it (Atomics.wait). Past the budget, each worker computes what it
 * needs and keeps the last few jobs' arrays.
 */

/** Shared series up to this many bytes (a million bars is 8 MB an array). */
export const SHARED_SERIES_BUDGET = 512 * 2 ** 20

/** What the workers get (structured-cloned; the buffers shared). */
export interface SeriesTable {
  /** Arrays per job. */
  widths: number[]
  /** Doubles per array. */
  length: number
  /** Σ widths × length doubles, or null (each worker computes its own). */
  series: SharedArrayBuffer | null
  /** Int32: [0] the next job to claim, [1 + k] 1 once job k's arrays are written. */
  state: SharedArrayBuffer
}

export function seriesTable(widths: number[], length: number, budget = SHARED_SERIES_BUDGET): SeriesTable {
  const arrays = widths.reduce((a, b) => a + b, 0)
  const bytes = arrays * length * 8
  return {widths, length, series: bytes <= budget ? new SharedArrayBuffer(bytes) : null, state: new SharedArrayBuffer(4 * (widths.length + 1))}
}

/** Jobs kept by a worker that computes its own (past the budget). */
const LOCAL_JOBS = 8

/** A worker's side: `warm()` claims and computes shared jobs until none is left; `get(k)` gives job k's arrays. */
export function seriesStore(table: SeriesTable, compute: (k: number, out: Float64Array[]) => void): {warm(): void; get(k: number): Float64Array[]} {
  const {widths, length} = table
  const state = new Int32Array(table.state)
  const first: number[] = []
  widths.reduce((at, w) => (first.push(at), at + w), 0)
  const shared = (k: number): Float64Array[] => Array.from({length: widths[k]}, (_, j) => new Float64Array(table.series!, (first[k] + j) * length * 8, length))
  const views = new Map<number, Float64Array[]>()
  const local = new Map<number, Float64Array[]>()
  const own = (k: number): Float64Array[] => {
    let out = local.get(k)
    if (out === undefined) {
      if (local.size >= LOCAL_JOBS) local.delete(local.keys().next().value!)
      out = Array.from({length: widths[k]}, () => new Float64Array(length))
      compute(k, out)
      local.set(k, out)
    }
    return out
  }
  const view = (k: number): Float64Array[] => {
    let v = views.get(k)
    if (v === undefined) views.set(k, (v = shared(k)))
    return v
  }
  return {
    warm() {
      if (table.series === null) return
      for (let k = Atomics.add(state, 0, 1); k < widths.length; k = Atomics.add(state, 0, 1)) {
        compute(k, view(k))
        Atomics.store(state, 1 + k, 1)
        Atomics.notify(state, 1 + k)
      }
    },
    get(k) {
      if (table.series === null) return own(k)
      while (Atomics.load(state, 1 + k) === 0) Atomics.wait(state, 1 + k, 0)
      return view(k)
    },
  }
}
