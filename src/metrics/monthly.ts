/**
 * Monthly and yearly returns of an equity curve, by calendar month in the market's time zone.
 * A month's return is its last value over the previous month's last value (the initial cash before
 * the first month) minus 1; a year's is the same with years. Plain loops: the tables are small,
 * and arquero's import alone (~90 ms) was a sixth of a whole backtest's budget.
 */
import {localToUtc, utcToLocalParts} from '../calendar/index.js'
import {firstAtOrAfter} from '../core/sorted-search.js'

export interface MonthlyReturn {
  year: number
  /** 1–12 */
  month: number
  return: number
}

export interface YearRow {
  year: number
  /** Index 0 = January; null for months outside the run. */
  months: Array<number | null>
  /** The year's return (its months compounded). */
  total: number
}

/**
 * Each calendar month (in `tz`) the times touch, in order, with the index of its last point
 * (`time` ascending). Each month's end is searched for from its first point: a few steps per
 * month, not one per point of a million-point curve.
 */
export function monthLasts(time: ArrayLike<number>, tz: string): Array<{year: number; month: number; last: number}> {
  const out: Array<{year: number; month: number; last: number}> = []
  for (let i = 0; i < time.length; ) {
    const p = utcToLocalParts(time[i], tz)
    const nextMonth = p.month === 12 ? localToUtc(p.year + 1, 1, 1, 0, 0, tz) : localToUtc(p.year, p.month + 1, 1, 0, 0, tz)
    const next = firstAtOrAfter(time, nextMonth, i + 1)
    out.push({year: p.year, month: p.month, last: next - 1})
    i = next
  }
  return out
}

/** The last value of each calendar month the curve touches, in order. */
export function monthEnds(time: ArrayLike<number>, value: ArrayLike<number>, tz: string): Array<{year: number; month: number; value: number}> {
  return monthLasts(time, tz).map((m) => ({year: m.year, month: m.month, value: value[m.last]}))
}

export function monthlyReturns(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, tz: string): MonthlyReturn[] {
  const ends = monthEnds(time, value, tz)
  const out: MonthlyReturn[] = []
  let prev = initial
  for (const e of ends) {
    out.push({year: e.year, month: e.month, return: e.value / prev - 1})
    prev = e.value
  }
  return out
}

/** Months laid out as a year × month grid with each year's compounded total, oldest year first. */
export function yearGrid(months: readonly MonthlyReturn[]): YearRow[] {
  const byYear = new Map<number, MonthlyReturn[]>()
  for (const m of months) {
    const list = byYear.get(m.year)
    if (list) list.push(m)
    else byYear.set(m.year, [m])
  }
  return [...byYear.keys()].sort((a, b) => a - b).map((year) => {
    const row: Array<number | null> = Array.from({length: 12}, () => null)
    // exp(Σ log1p) in month order, skipping NaN terms as arquero's sum did: the same doubles.
    let logSum = 0
    let terms = 0
    for (const m of byYear.get(year)!) {
      row[m.month - 1] = m.return
      const x = Math.log1p(m.return)
      if (x === x) {
        logSum += x
        terms++
      }
    }
    return {year, months: row, total: terms > 0 ? Math.exp(logSum) - 1 : NaN}
  })
}
