/**
 * When a sweep's strategy iterates, and where an order placed at each iteration would fill: the
 * same for every combination of a sweep whose strategy never changes its own sleeptime (the
 * session kernel's schedule depends only on the bars, the calendar and the sleeptime). It is
 * taken from the session kernel itself, by one run of a strategy that only records where each
 * iteration stood, so calendars, sessions, daily bars and sleeptimes need no second copy of the
 * kernel's rules here. The one exception is the plainest case, intraday bars on a 24/7 market,
 * whose rule (an iteration at max(last + sleeptime, close of the first unseen bar)) is followed
 * directly: a million-bar recording run costs the main thread 0.2 s; the property test holds the
 * two to the same schedule.
 */
import type {MarketCalendar} from '../../calendar/calendar.js'
import {runBacktest} from '../../engine/run-backtest.js'
import type {BotSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import type {StrategyDefinition} from '../../model/strategy.js'
import {pickRunner} from '../../engine/pick-runner.js'

export interface IterationSchedule {
  /**
   * Per bar: -1 when no iteration follows that bar; else the iteration right after it (the bar is
   * the last one it saw) and the bar a market order placed there fills on: the first later bar
   * opening at or after the iteration's time (`length` when none does).
   */
  fillAt: Int32Array
  /** Per bar: the first bar at or after it that an iteration follows (-1 when none): the iteration that sees it. */
  seenAt: Int32Array
  iterations: number
  /** True when every bar is followed by an iteration whose order fills on the next bar (fillAt[i] = i + 1). */
  dense?: boolean
}

/** The kernel's schedule over one symbol's bars: followed directly on 24/7 intraday bars, else recorded from a run. */
export async function iterationSchedule(spec: Pick<BotSpec, 'symbols' | 'timeframeMs' | 'sleeptimeMs' | 'broker'>, bars: Bars, calendar: MarketCalendar): Promise<IterationSchedule> {
  if (calendar.alwaysOpen && pickRunner(spec) === 'backtest') return alwaysOpenSchedule(bars, spec.timeframeMs, spec.sleeptimeMs)
  return recordedSchedule(spec, bars, calendar)
}

/** SessionKernel.plan/run for a market without sessions (intraday): the same steps, no strategy. */
export function alwaysOpenSchedule(bars: Bars, timeframeMs: number, sleeptimeMs: number): IterationSchedule {
  const n = bars.length
  const time = bars.time
  const closeOf = (i: number): number => {
    const end = time[i] + timeframeMs
    return i + 1 < time.length && time[i + 1] < end ? time[i + 1] : end
  }
  const fillAt = new Int32Array(n).fill(-1)
  if (n === 0) return complete(fillAt, 0)
  const end = closeOf(n - 1)
  const sleep = sleeptimeMs > 0 ? sleeptimeMs : 0
  let mark = 0
  let wake = -Infinity
  let next = 0
  let f = 0
  let iterations = 0
  while (mark < n) {
    const bar = closeOf(mark)
    const due = wake > bar ? wake : bar
    if (!(due <= end)) break
    while (next < n && closeOf(next) <= due) next++
    const cursor = next - 1
    if (f <= cursor) f = cursor + 1
    while (f < n && time[f] < due) f++
    fillAt[cursor] = f
    iterations++
    mark = next
    wake = due + sleep
  }
  return complete(fillAt, iterations)
}

/** The schedule as the kernel makes it: a run of a strategy that records each iteration (no orders). */
export async function recordedSchedule(spec: Pick<BotSpec, 'symbols' | 'timeframeMs' | 'sleeptimeMs' | 'broker'>, bars: Bars, calendar: MarketCalendar): Promise<IterationSchedule> {
  const n = bars.length
  const cursors: number[] = []
  const times: number[] = []
  const probe: StrategyDefinition = {
    name: 'schedule-probe',
    description: 'records the cursor and the time of every iteration',
    params: {type: 'object'},
    create: () => ({
      onTradingIteration(ctx) {
        cursors.push(ctx.barCount() - 1)
        times.push(ctx.now)
      },
    }),
  } as StrategyDefinition
  await runBacktest({spec: {...spec, strategy: {params: {}}}, bars, definition: probe, params: {}, calendar})
  const fillAt = new Int32Array(n).fill(-1)
  const time = bars.time
  let f = 0
  for (let j = 0; j < cursors.length; j++) {
    const c = cursors[j]
    // Cursors strictly increase (every iteration sees a new bar); schedulePlan refuses anything else.
    if (c < 0 || c >= n || (j > 0 && c <= cursors[j - 1])) return {fillAt: new Int32Array(0), seenAt: new Int32Array(0), iterations: -1}
    if (f <= c) f = c + 1
    while (f < n && time[f] < times[j]) f++
    fillAt[c] = f
  }
  return complete(fillAt, cursors.length)
}

/** The schedule with `seenAt` and `dense` worked out from `fillAt`. */
function complete(fillAt: Int32Array, iterations: number): IterationSchedule {
  let dense = true
  for (let i = 0; i < fillAt.length && dense; i++) dense = fillAt[i] === i + 1
  return {fillAt, seenAt: seenAt(fillAt), iterations, dense}
}

function seenAt(fillAt: Int32Array): Int32Array {
  const out = new Int32Array(fillAt.length)
  let next = -1
  for (let i = fillAt.length - 1; i >= 0; i--) {
    if (fillAt[i] >= 0) next = i
    out[i] = next
  }
  return out
}
