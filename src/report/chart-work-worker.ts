/**
 * The worker thread of chart-work-thread.ts: its modules load as soon as it starts (while the
 * backtest runs on the main thread), then it does one job, the chart work of a finished run, and
 * posts it back. It computes the buy-and-hold curve itself rather than be sent a copy.
 */
import {parentPort} from 'node:worker_threads'
import {buyAndHoldEquity} from '../metrics/buy-and-hold.js'
import {chartWork} from './chart-work.js'
import {unpackChartWork, type ChartWorkMessage, type ChartWorkReply} from './chart-work-message.js'

const port = parentPort!
port.once('message', (message: ChartWorkMessage) => {
  let reply: ChartWorkReply
  try {
    const input = unpackChartWork(message, (bars, time, cash) => buyAndHoldEquity(bars, time, cash))
    reply = {work: chartWork(input)}
  } catch (e) {
    reply = {error: e instanceof Error ? (e.stack ?? e.message) : String(e)}
  }
  port.postMessage(reply)
})
port.postMessage({ready: true} satisfies ChartWorkReply)
