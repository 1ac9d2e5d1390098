/**
 * Monthly and yearly returns of an equity curve, by calendar month in the market's time zone.
 * A month's return is its last value over the previous month's last value (the initial cash before
 * the first month) minus 1; a year's is the same with years. Picking each month's last value is a
 * loop over the typed arrays (it sees every bar); the month table itself is small and is built
 * with arquero.
 */
import * as aq from 'arquero'
import {localToUtc, utcToLocalParts} from '../calendar/index.js'

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

/** The last value of each calendar month the curve touches, in order. */
export function monthEnds(time: ArrayLike<number>, value: ArrayLike<number>, tz: string): Array<{year: number; month: number; value: number}> {
  const out: Array<{year: number; month: number; value: number}> = []
  let boundary = -Infinity // first instant of the month after the current one
  for (let i = 0; i < time.length; i++) {
    if (time[i] >= boundary) {
      const p = utcToLocalParts(time[i], tz)
      boundary = p.month === 12 ? localToUtc(p.year + 1, 1, 1, 0, 0, tz) : localToUtc(p.year, p.month + 1, 1, 0, 0, tz)
      out.push({year: p.year, month: p.month, value: value[i]})
    } else {
      out[out.length - 1].value = value[i]
    }
  }
  return out
}

export function monthlyReturns(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, tz: string): MonthlyReturn[] {
  const ends = monthEnds(time, value, tz)
  if (ends.length === 0) return []
  return aq
    .from(ends)
    .params({initial})
    .derive({prev: (d: any, $: any) => aq.op.lag(d.value, 1, $.initial)})
    .derive({return: (d: any) => d.value / d.prev - 1})
    .select('year', 'month', 'return')
    .objects() as MonthlyReturn[]
}

/** Months laid out as a year × month grid with each year's compounded total, oldest year first. */
export function yearGrid(months: readonly MonthlyReturn[]): YearRow[] {
  if (months.length === 0) return []
  const grouped = aq
    .from(months)
    .groupby('year')
    .rollup({
      months: aq.op.array_agg('month'),
      returns: aq.op.array_agg('return'),
      total: (d: any) => aq.op.exp(aq.op.sum(aq.op.log1p(d.return))) - 1,
    })
    .orderby('year')
    .objects() as Array<{year: number; months: number[]; returns: number[]; total: number}>
  return grouped.map((g) => {
    const row: Array<number | null> = Array.from({length: 12}, () => null)
    g.months.forEach((m, i) => (row[m - 1] = g.returns[i]))
    return {year: g.year, months: row, total: g.total}
  })
}
