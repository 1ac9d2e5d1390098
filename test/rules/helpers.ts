import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {barsFromRows} from '../../src/core/bars.js'
import type {Bars} from '../../src/model/bars.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Daily bars of a Date,Open,High,Low,Close[,Adj Close],Volume CSV; time = UTC midnight of the date. */
export function readDailyCsv(relative: string, symbol = 'X'): Bars {
  const lines = readFileSync(ROOT + relative, 'utf8').trim().split(/\r?\n/)
  const head = lines[0].split(',').map((h) => h.trim().toLowerCase())
  const col = (name: string) => head.indexOf(name)
  const [d, o, h, l, c, v] = ['date', 'open', 'high', 'low', 'close', 'volume'].map(col)
  const rows = lines.slice(1).map((line) => {
    const f = line.split(',')
    return {time: Date.parse(f[d] + 'T00:00:00Z'), open: Number(f[o]), high: Number(f[h]), low: Number(f[l]), close: Number(f[c]), volume: Number(f[v])}
  })
  return barsFromRows(symbol, 86_400_000, rows)
}
