/**
 * Which rows of a file out of order to drop so that the fewest go: those outside a longest
 * strictly increasing subsequence of their times (patience sorting, O(n log n)). Dropping each row
 * that steps back from the row before it kept a row that jumped forward (a typo year, 2029 among
 * 2020's rows) and dropped the good row after it, and the stored series then ended in 2029.
 *
 * Of equally long subsequences, the one that keeps rows nearer the top of the file (the
 * lexicographically smallest row numbers), as the duplicate rule keeps a time's first row: two
 * swapped rows drop the second, and of two equal sides the lower one. (The import then keeps a
 * block of rows out of place rather than drop it: stage.ts, singleRowsOnly.)
 */

/** What `outsideLongestIncreasing` found, as indices into its `values`, in file order. */
export interface OutsideRows {
  /** The rows to drop. */
  rows: Int32Array
  /**
   * For each dropped row, a kept row it conflicts with: the nearest kept row before it with a
   * value at least its own if there is one, else the nearest kept row after it with a value at
   * most its own. There always is one: a row in order with every kept row would lengthen them.
   */
  other: Int32Array
}

/**
 * `values` in file order, to be strictly increasing (a newest-first file's times negated).
 * Equal values conflict (the duplicates are gone by then, but doubles may round two close times
 * to one).
 */
export function outsideLongestIncreasing(values: Float64Array): OutsideRows {
  const n = values.length
  // From the bottom up: startLen[i] is the length of the longest increasing subsequence starting
  // at row i; first[k] the largest value any such subsequence of length k + 1 starts with among
  // the rows below, so first[] falls strictly as k grows and a binary search finds where i fits.
  const startLen = new Int32Array(n)
  const first = new Float64Array(n)
  let longest = 0
  for (let i = n - 1; i >= 0; i--) {
    const x = values[i]
    // Most rows are in order: each one starts a longer run than any yet, with no search.
    let lo = longest > 0 && first[longest - 1] > x ? longest : 0
    let hi = longest
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (first[mid] > x) lo = mid + 1
      else hi = mid
    }
    first[lo] = x
    if (lo === longest) longest++
    startLen[i] = lo + 1
  }
  // Top down, each kept row the first one from which the rest can still be completed: that is
  // the tie rule above.
  const kept = new Uint8Array(n)
  let need = longest
  let last = -Infinity
  for (let i = 0; i < n && need > 0; i++) {
    if (startLen[i] >= need && values[i] > last) {
      kept[i] = 1
      last = values[i]
      need--
    }
  }
  const rows = new Int32Array(n - longest)
  const other = new Int32Array(n - longest).fill(-1)
  // Kept rows increase, so the last kept row before a dropped row is the largest before it and
  // the first kept row after it the smallest after it: only those two need a look.
  let k = 0
  let waiting = 0
  let prev = -1
  for (let i = 0; i < n; i++) {
    if (kept[i] === 1) {
      for (; waiting < k; waiting++) if (other[waiting] === -1 && values[i] <= values[rows[waiting]]) other[waiting] = i
      prev = i
      continue
    }
    rows[k] = i
    if (prev >= 0 && values[prev] >= values[i]) other[k] = prev
    k++
  }
  if (other.includes(-1)) throw new Error('bug: a row outside the longest increasing subsequence conflicts with no kept row')
  return {rows, other}
}
