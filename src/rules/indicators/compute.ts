/**
 * Runs one indicator over whole columns, outside any strategy: for tests against reference
 * values and for tools that chart an indicator. The same code path as a run (rings, `update`).
 */
import type {Bars} from '../../model/bars.js'
import {LocalClock} from '../runtime/local-clock.js'
import {Ring} from '../runtime/ring.js'
import {indicatorKind} from './catalog.js'
import {asStep} from './types.js'

/** One Float64Array per output (in `outputs` order), NaN where there is no value. */
export function computeIndicator(type: string, params: Record<string, number>, bars: Omit<Bars, 'symbol' | 'timeframeMs'>, source: 'open' | 'high' | 'low' | 'close' | 'volume' = 'close', timeZone = 'UTC'): Float64Array[] {
  const kind = indicatorKind(type)
  if (!kind) throw new Error(`unknown indicator ${type}`)
  const p: Record<string, number> = {}
  for (const [name, spec] of Object.entries(kind.params)) p[name] = params[name] ?? spec.default ?? NaN
  const fields = {open: new Ring(0), high: new Ring(0), low: new Ring(0), close: new Ring(0), volume: new Ring(0)}
  const out = kind.outputs.map(() => new Ring(0))
  const clock = new LocalClock(timeZone)
  const update = asStep(kind.create(p, {source: fields[source], field: (f) => fields[f], out, clock}))
  const n = bars.length
  const result = kind.outputs.map(() => new Float64Array(n))
  for (let i = 0; i < n; i++) {
    fields.open.push(bars.open[i])
    fields.high.push(bars.high[i])
    fields.low.push(bars.low[i])
    fields.close.push(bars.close[i])
    fields.volume.push(bars.volume[i])
    clock.set(bars.time[i])
    update.step()
    for (let k = 0; k < out.length; k++) result[k][i] = out[k].at(0)
  }
  return result
}
