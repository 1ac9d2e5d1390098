/**
 * `report.overlay` names indicator outputs to draw over the price chart. A name the strategy does
 * not report is a located warning (the report is drawn without it), never a silent omission.
 */
import {marketTimezone} from '../calendar/index.js'
import {emptyBars} from '../core/bars.js'
import type {Diagnostic} from '../core/errors.js'
import {didYouMeanHint} from '../core/suggest.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {StrategyDefinition} from '../model/strategy.js'
import {locateInSpec} from './locate-in-spec.js'

export async function overlayWarnings(spec: BotSpec, definition: StrategyDefinition, file: string): Promise<Diagnostic[]> {
  const names = spec.report?.overlay ?? []
  if (names.length === 0) return []
  // The columns, from no bars at all: cheap, and exactly the names --out writes.
  const columns = definition.indicatorSeries?.(spec.strategy.params as never, emptyBars(spec.symbols[0], spec.timeframeMs, 0), marketTimezone(spec.market)).map((c) => c.column)
  const out: Diagnostic[] = []
  for (const [i, name] of names.entries()) {
    if (columns?.includes(name)) continue
    const where = await locateInSpec(file, `/report/overlay/${i}`)
    out.push(columns === undefined
      ? {severity: 'warning', code: 'report.overlay', ...where, message: `strategy "${definition.name}" does not report its indicators, so "${name}" cannot be drawn`, hint: 'overlays work with the `rules` strategy (or a plugin with indicatorSeries)'}
      : {severity: 'warning', code: 'report.overlay', ...where, message: `"${name}" is not an indicator output of strategy "${definition.name}"; not drawn`, hint: didYouMeanHint(name, columns) ?? `its outputs: ${columns.join(', ') || 'none'}`})
  }
  return out
}
