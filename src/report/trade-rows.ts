/**
 * The trade list's rows as columns of numbers, for the page's own script to write as table rows
 * (client-script.ts, TRADE_ROWS). A long run's list has 5,000 rows of 14 cells: built here as HTML
 * (~2.5 MB of text, 70,000 formatted cells) it was the costliest part of a report, 80–90 ms in a
 * fresh process (these columns: 10–20 ms); the page writes it as it opens.
 *
 * Times come as the wall-clock ms of the report's time zone (UTC ms + that zone's offset at the
 * time), so the page needs no time-zone rules of its own: it reads them as UTC fields. JSON has no
 * NaN, infinities or -0: those few values come as the strings "NaN", "Infinity", "-Infinity" and
 * "-0" (Number() reads each back), so every cell is what the server used to write (a time that is
 * not finite, which no trade has, shows empty).
 */
import type {Trade} from '../model/trade.js'
import {tradeReturn} from '../metrics/trade-stats.js'
import {utcOffset} from '../calendar/timezone.js'
import type {Excursion} from './excursions.js'

/** A number as JSON can carry it: the number itself, or the text of one JSON cannot write. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0'

export interface TradeRows {
  /** Number (from 1) of the first trade shown: the list shows the last ones. */
  first: number
  /** Distinct symbols and sides; `symbol` and `side` index them. */
  symbols: string[]
  sides: string[]
  symbol: number[]
  side: number[]
  quantity: JsonNumber[]
  /** UTC ms (sorting) and wall-clock ms in the report's zone (shown) of each entry and exit. */
  entryTime: JsonNumber[]
  entryWall: JsonNumber[]
  entryPrice: JsonNumber[]
  exitTime: JsonNumber[]
  exitWall: JsonNumber[]
  exitPrice: JsonNumber[]
  mae: JsonNumber[]
  mfe: JsonNumber[]
  commission: JsonNumber[]
  netPnl: JsonNumber[]
  return: JsonNumber[]
}

/** `shown`: the trades the list shows, numbered from `first`; `excursion`: one per trade shown (fewer: none for the rest). */
export function tradeRows(shown: readonly Trade[], first: number, excursion: readonly Excursion[], timezone: string): TradeRows {
  const n = shown.length
  const column = () => new Array<JsonNumber>(n)
  const rows: TradeRows = {
    first, symbols: [], sides: [], symbol: new Array<number>(n), side: new Array<number>(n),
    quantity: column(), entryTime: column(), entryWall: column(), entryPrice: column(), exitTime: column(), exitWall: column(), exitPrice: column(),
    mae: column(), mfe: column(), commission: column(), netPnl: column(), return: column(),
  }
  const symbols = new Map<string, number>()
  const sides = new Map<string, number>()
  const index = (seen: Map<string, number>, list: string[], text: string) => {
    let k = seen.get(text)
    if (k === undefined) seen.set(text, (k = list.push(text) - 1))
    return k
  }
  for (let i = 0; i < n; i++) {
    const t = shown[i]
    const x = excursion[i]
    rows.symbol[i] = index(symbols, rows.symbols, t.symbol)
    rows.side[i] = index(sides, rows.sides, t.side)
    rows.quantity[i] = json(t.quantity)
    rows.entryTime[i] = json(t.entryTime)
    rows.entryWall[i] = json(t.entryTime + utcOffset(t.entryTime, timezone))
    rows.entryPrice[i] = json(t.entryPrice)
    rows.exitTime[i] = json(t.exitTime)
    rows.exitWall[i] = json(t.exitTime + utcOffset(t.exitTime, timezone))
    rows.exitPrice[i] = json(t.exitPrice)
    rows.mae[i] = json(x === undefined ? NaN : x.mae)
    rows.mfe[i] = json(x === undefined ? NaN : x.mfe)
    rows.commission[i] = json(t.commission)
    rows.netPnl[i] = json(t.netPnl)
    rows.return[i] = json(tradeReturn(t))
  }
  return rows
}

function json(v: number): JsonNumber {
  if (v - v === 0) return v === 0 && 1 / v < 0 ? '-0' : v
  return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
}
