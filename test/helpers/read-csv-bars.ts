/**
 * A small CSV reader for tests until the real importer is wired in: the Backtrader sample files
 * (`Date,Open,…` or `Date,Time,Open,…`) and gen-ohlcv output (`datetime,open,…`). Naive
 * timestamps are read in `timezone`; `timeLabel: 'close'` shifts them back by one timeframe so
 * that `time` is the bar's open, as Bars require.
 */
import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {Bars} from '../../src/model/bars.js'
import {emptyBars} from '../../src/core/bars.js'
import {wallToUtc} from '../../src/calendar/timezone.js'
import {dayNumber} from '../../src/calendar/civil-date.js'

export interface CsvBarsOptions {
  symbol: string
  timeframeMs: number
  timezone?: string
  timeLabel?: 'open' | 'close'
}

const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url))
const EXAMPLES = fileURLToPath(new URL('../../examples/data/', import.meta.url))
// The same bytes are also shipped with the examples, under other names.
const EXAMPLE_NAMES: Record<string, string> = {
  'orcl-1995-2014.txt': 'orcl-1995-2014.csv',
  '2006-day-001.txt': 'index-2006-daily.csv',
  '2006-min-005.txt': 'index-2006-5min.csv',
}

/** A Backtrader sample file from the repository (test fixtures, else the examples' copy). */
export function dataFile(name: string): string {
  const candidates = [FIXTURES + name, EXAMPLES + (EXAMPLE_NAMES[name] ?? name)]
  const found = candidates.find((f) => existsSync(f))
  if (!found) throw new Error(`data file ${name} is not in test/fixtures/data or examples/data`)
  return found
}

export function readCsvBars(file: string, o: CsvBarsOptions): Bars {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase())
  const col = (name: string) => header.indexOf(name)
  const [iDate, iTime, iDt] = [col('date'), col('time'), col('datetime')]
  const [iO, iH, iL, iC, iV] = ['open', 'high', 'low', 'close', 'volume'].map(col)
  const bars = emptyBars(o.symbol, o.timeframeMs, lines.length - 1)
  const shift = o.timeLabel === 'close' ? o.timeframeMs : 0
  for (let r = 1; r < lines.length; r++) {
    const f = lines[r].split(',')
    const stamp = iDt >= 0 ? f[iDt] : iTime >= 0 ? `${f[iDate]} ${f[iTime]}` : f[iDate]
    const i = r - 1
    bars.time[i] = parseNaive(stamp, o.timezone ?? 'UTC') - shift
    bars.open[i] = Number(f[iO])
    bars.high[i] = Number(f[iH])
    bars.low[i] = Number(f[iL])
    bars.close[i] = Number(f[iC])
    bars.volume[i] = iV >= 0 ? Number(f[iV]) : 0
  }
  return bars
}

function parseNaive(stamp: string, timezone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(stamp.trim())
  if (!m) throw new Error(`bad timestamp ${stamp}`)
  const wall = dayNumber(+m[1], +m[2], +m[3]) * 86_400_000 + (+(m[4] ?? 0)) * 3_600_000 + (+(m[5] ?? 0)) * 60_000 + (+(m[6] ?? 0)) * 1000
  return timezone === 'UTC' ? wall : wallToUtc(wall, timezone)
}
