/** Shared pieces of indicator declarations (see catalog.ts). */
import type {IndicatorIO, IndicatorParam} from './types.js'

/** A whole-number look-back parameter (at least `min`, 1 by default). */
export const period = (description: string, def?: number, min = 1): IndicatorParam => ({default: def, min, integer: true, description})

/** A real-valued parameter. */
export const real = (description: string, def: number, min = 0): IndicatorParam => ({default: def, min, integer: false, description})

/** Feeds the source's current value to `ind.add` and pushes the result (NaN input: NaN out, not fed). */
export function single(io: IndicatorIO, ind: {add(x: number): number | null}): () => void {
  const src = io.source
  const out = io.out[0]
  return () => {
    const x = src.buf[src.head]
    if (x !== x) return out.push(NaN)
    const v = ind.add(x)
    out.push(v === null ? NaN : v)
  }
}

export const ON_SOURCE = {usesSource: true, fields: []} as const
export const HLC = {usesSource: false, fields: ['high', 'low', 'close']} as const
