import {distance} from 'fastest-levenshtein'

/**
 * The closest candidate to `input`, if it is close enough to be a plausible typo:
 * at most a third of the longer word's length, and never more than 3 edits.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase())
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
