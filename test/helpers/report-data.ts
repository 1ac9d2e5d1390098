/** The data a report embeds for its charts, read back from the HTML as the page's script reads it. */
import type {ChartData} from '../../src/report/chart-data.js'
import {unpackCharts, type PackedCharts} from '../../src/report/chart-json.js'
import type {TradeRows} from '../../src/report/trade-rows.js'

export interface ReportData {
  intraday: boolean
  logScale: boolean
  charts: ChartData
  /** The trade list's rows, which the page writes into its table (JSON's nulls where a number is not finite). */
  trades: TradeRows
}

export function reportData(html: string): ReportData {
  const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1]
  if (json === undefined) throw new Error('no report-data element in the report')
  const data = JSON.parse(json) as Omit<ReportData, 'charts'> & {charts: PackedCharts}
  return {...data, charts: unpackCharts(data.charts)}
}
