/**
 * The closest candidate to `input`, if it is close enough to be a plausible typo:
 * at most a third of the longer word's length, and never more than 3 edits. Two neighbouring
 * letters swapped count as one edit (`shwo` → `show`), the commonest typo of all.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  if (best === undefined) return undefined
  const limit = Math.min(3, Math.max(1, Math.floor(Math.max(input.length, best.length) / 3)))
  return bestDistance <= limit ? best : undefined
}

export function didYouMeanHint(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates]
  const guess = didYouMean(input, list)
  if (guess !== undefined) return `did you mean \`${guess}\`?`
  return list.length > 0 && list.length <= 12 ? `expected one of: ${list.map((c) => `\`${c}\``).join(', ')}` : undefined
}

/**
 * Edits (insert, delete, substitute, or swap two neighbouring characters) that turn `a` into `b`:
 * the optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  // Three rows of the table: two back (for swaps), the previous one, this one.
  let before = new Array<number>(b.length + 1).fill(0)
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  let row = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1)
      row[j] = d
    }
    ;[before, prev, row] = [prev, row, before]
  }
  return prev[b.length]
}
