/** The settings of a run's metrics, from its spec: annualisation, risk-free rate, time zone. */
import {createCalendar, marketTimezone} from '../calendar/index.js'
import type {BotSpec} from '../model/bot-spec.js'
import {annualisation} from './annualisation.js'
import type {MetricsSettings} from './metrics.js'

export interface MetricsOptions {
  /** Annual risk-free rate, 0.02 = 2%. Default 0. */
  riskFreeRate?: number
  /** Overrides the annualisation derived from the market and timeframe. */
  periodsPerYear?: number
}

export function metricsSettings(spec: Pick<BotSpec, 'market' | 'timeframeMs'>, start: number, end: number, opts: MetricsOptions = {}): MetricsSettings {
  const timezone = marketTimezone(spec.market)
  const given = opts.periodsPerYear
  const a = given !== undefined && given > 0
    ? {periodsPerYear: given, basis: `${given} bars a year (given)`}
    : annualisation(spec.market, spec.timeframeMs, createCalendar(spec.market), start, end)
  return {riskFreeRate: opts.riskFreeRate ?? 0, periodsPerYear: a.periodsPerYear, annualisation: a.basis, timezone}
}
