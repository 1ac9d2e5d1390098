/** The data a report embeds for its charts, read back from the HTML as the page's script reads it. */
import type {ChartData} from '../../src/report/chart-data.js'
import {unpackCharts, type PackedCharts} from '../../src/report/chart-json.js'

export interface ReportData {
  intraday: boolean
  logScale: boolean
  charts: ChartData
}

export function reportData(html: string): ReportData {
  const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1]
  if (json === undefined) throw new Error('no report-data element in the report')
  const data = JSON.parse(json) as Omit<ReportData, 'charts'> & {charts: PackedCharts}
  return {...data, charts: unpackCharts(data.charts)}
}
