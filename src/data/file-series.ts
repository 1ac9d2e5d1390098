/**
 * Where a spec's data file is kept in the store: its own series, named after the symbol and the
 * file (`ORCL@orcl-1995-2014.csv#1f3a9c2e`, the hash of the file's absolute path). A `source: file`
 * spec therefore never touches the series another source stored under the bare symbol (a
 * `bots data import`, another user's file), and two specs on two files of one symbol never replace
 * each other's bars. Replacing a stored series is only ever asked for explicitly
 * (`bots data import --replace`).
 */
import {createHash} from 'node:crypto'
import path from 'node:path'
import type {DataSpec} from '../model/bot-spec.js'

export function fileSeries(symbol: string, file: string): string {
  const abs = path.resolve(file)
  return `${symbol}@${path.basename(abs)}#${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`
}

/** Whether a stored series name is one fileSeries made (no symbol a user types). */
export function isFileSeries(name: string): boolean {
  return /@[^@]+#[0-9a-f]{8}$/.test(name)
}

/** The stored series a spec reads for `symbol`: its file's series, or the symbol itself (`source: store`). */
export function storedSeries(data: DataSpec, symbol: string): string {
  if (data.source !== 'file') return symbol
  const file = data.files[symbol]
  return file === undefined ? symbol : fileSeries(symbol, file)
}
