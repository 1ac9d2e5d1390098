/**
 * The trade list's rows as columns of numbers, for the page's own script to write as table rows
 * (client-script.ts, TRADE_ROWS). A long run's list has 5,000 rows of 14 cells: built here as HTML
 * (~2.5 MB of text, 70,000 formatted cells) it was the costliest part of a report, 80–90 ms in a
 * fresh process (these columns: 10–20 ms); the page writes it as it opens.
 *
 * Times come as the wall-clock ms of the report's time zone (UTC ms + that zone's offset at the
 * time), so the page needs no time-zone rules of its own: it reads them as UTC fields. JSON writes
 * a non-finite number as null; the page shows those cells as the report always did.
 */
import type {Trade} from '../model/trade.js'
import {tradeReturn} from '../metrics/trade-stats.js'
import {utcOffset} from '../calendar/timezone.js'
import type {Excursion} from './excursions.js'

export interface TradeRows {
  /** Number (from 1) of the first trade shown: the list shows the last ones. */
  first: number
  /** Whether the list's times show hours and minutes (intraday bars) or dates. */
  intraday: boolean
  /** Distinct symbols and sides; `symbol` and `side` index them. */
  symbols: string[]
  sides: string[]
  symbol: number[]
  side: number[]
  quantity: number[]
  /** UTC ms (sorting) and wall-clock ms in the report's zone (shown) of each entry and exit. */
  entryTime: number[]
  entryWall: number[]
  entryPrice: number[]
  exitTime: number[]
  exitWall: number[]
  exitPrice: number[]
  mae: number[]
  mfe: number[]
  commission: number[]
  netPnl: number[]
  return: number[]
}

/** `shown`: the trades the list shows, numbered from `first`; `excursion`: one per trade shown. */
export function tradeRows(shown: readonly Trade[], first: number, excursion: readonly Excursion[], timezone: string, intraday: boolean): TradeRows {
  const n = shown.length
  const rows: TradeRows = {
    first, intraday, symbols: [], sides: [],
    symbol: new Array<number>(n), side: new Array<number>(n), quantity: new Array<number>(n),
    entryTime: new Array<number>(n), entryWall: new Array<number>(n), entryPrice: new Array<number>(n),
    exitTime: new Array<number>(n), exitWall: new Array<number>(n), exitPrice: new Array<number>(n),
    mae: new Array<number>(n), mfe: new Array<number>(n), commission: new Array<number>(n), netPnl: new Array<number>(n), return: new Array<number>(n),
  }
  const index = (list: string[], text: string) => {
    const k = list.indexOf(text) // a handful of symbols and two sides
    return k >= 0 ? k : list.push(text) - 1
  }
  for (let i = 0; i < n; i++) {
    const t = shown[i]
    const x = excursion[i]
    rows.symbol[i] = index(rows.symbols, t.symbol)
    rows.side[i] = index(rows.sides, t.side)
    rows.quantity[i] = t.quantity
    rows.entryTime[i] = t.entryTime
    rows.entryWall[i] = t.entryTime + utcOffset(t.entryTime, timezone)
    rows.entryPrice[i] = t.entryPrice
    rows.exitTime[i] = t.exitTime
    rows.exitWall[i] = t.exitTime + utcOffset(t.exitTime, timezone)
    rows.exitPrice[i] = t.exitPrice
    rows.mae[i] = x === undefined ? NaN : x.mae
    rows.mfe[i] = x === undefined ? NaN : x.mfe
    rows.commission[i] = t.commission
    rows.netPnl[i] = t.netPnl
    rows.return[i] = tradeReturn(t)
  }
  return rows
}
