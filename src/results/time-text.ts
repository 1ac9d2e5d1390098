/** Instants of a recorded run as its market shows them (the time zone is in the run's metrics). */
import {timeFormatter} from '../report/render-report.js'
import {parseDuration} from '../core/duration.js'
import type {RunRow} from './read-runs.js'

export function formatMetricTime(r: Pick<RunRow, 'metrics' | 'timeframe'>): (t: number) => string {
  return timeFormatter(r.metrics.settings.timezone, parseDuration(r.timeframe))
}
