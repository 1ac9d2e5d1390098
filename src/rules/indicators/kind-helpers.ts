/** Shared pieces of indicator declarations (see catalog.ts). */
import {WindowSum} from '../../indicators/window-sum.js'
import type {Ring} from '../runtime/ring.js'
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

/**
 * `single` for an SMA, the most used indicator: an object whose `step` the runtime's updater loop
 * can inline (see Updater), whose `push` call site stays monomorphic, so `push` inlines and no
 * double is boxed per bar (`single`'s `ind.add` sees every indicator class). It pushes the
 * window sum itself and divides as `SMA.push` does (the same value, one call layer less).
 */
export function singleSma(io: IndicatorIO, period: number): SmaStep {
  return new SmaStep(io.source, new WindowSum(period), period, io.out[0])
}

/** An SMA updater; its parts are public for the golden cross's loop, which writes `step` out (rules-hooks.ts). */
export class SmaStep {
  constructor(
    readonly src: Ring,
    readonly sum: WindowSum,
    readonly period: number,
    readonly out: Ring,
  ) {}

  step(): void {
    const src = this.src
    const x = src.buf[src.head]
    if (x !== x) return this.out.push(NaN)
    const sum = this.sum
    sum.push(x)
    this.out.push(sum.current / this.period)
  }
}

export const ON_SOURCE = {usesSource: true, fields: []} as const
export const HLC = {usesSource: false, fields: ['high', 'low', 'close']} as const

type Field = 'open' | 'high' | 'low' | 'close' | 'volume'

/**
 * Reads the given bar fields into `v` (one array reused for every bar, and no double crosses a
 * call boundary, so nothing is boxed) and calls `step` when all are defined; otherwise pushes NaN
 * to every output.
 */
export function onFields(io: IndicatorIO, fields: readonly Field[], step: (v: Float64Array) => void): () => void {
  const rings = fields.map((f) => io.field(f))
  const v = new Float64Array(fields.length)
  const outs = io.out
  return () => {
    for (let i = 0; i < rings.length; i++) {
      const r = rings[i]
      const x = r.buf[r.head]
      if (x !== x) {
        for (let k = 0; k < outs.length; k++) outs[k].push(NaN)
        return
      }
      v[i] = x
    }
    step(v)
  }
}
