/**
 * For `ensureFileData`: the spacing of a data file's rows, as `bots data import` detects it
 * (`detectTimeframe` over a sample of the first rows), checked against the timeframe a spec
 * declares. A daily file under `timeframe: 1H` would pass every per-row check and be stored as
 * hourly bars, so the run would be quietly wrong; here it is an error, before anything is stored.
 */
import path from 'node:path'
import type {DuckDBValue} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import type {DataSpec} from '../model/bot-spec.js'
import {resolveColumns} from './columns.js'
import {detectTimeframe, SAMPLE_ROWS} from './detect-timeframe.js'
import {checkFile, compactDateFormat, describeSource, detectFormat, sourceSql} from './source.js'
import {withConnection, type Store} from './store.js'
import {timeSql} from './time-expr.js'
import {toTimeframe, type Timeframe} from './timeframe.js'

type FileData = Extract<DataSpec, {source: 'file'}>

/** The most common spacing of the file's first rows; undefined when it cannot be told (the import then reports why). */
export async function detectFileSpacing(store: Store, file: string, data: FileData, timezone: string): Promise<Timeframe | undefined> {
  return withConnection(store, async (conn) => {
    try {
      await conn.run(`SET TimeZone = '${timezone}'`) // checked against DuckDB's list by the caller
      const {size} = checkFile(file)
      const format = detectFormat(file, data.format)
      const info = await describeSource(conn, file, format, size)
      const roles = resolveColumns(info.columns, data.columns, file)
      const timeFormat = roles.time.kind === 'single' ? compactDateFormat(roles.time.column.first) : undefined
      const params: Record<string, DuckDBValue> = timeFormat === undefined ? {file} : {file, fmt: timeFormat}
      const time = timeSql(roles, toTimeframe('1M'), {format: timeFormat, timeLabel: 'open'}, timezone)
      return await detectTimeframe(conn, sourceSql(format, info, roles, SAMPLE_ROWS), time, params, file)
    } catch (error) {
      if (error instanceof BotsError) return undefined
      throw error
    }
  })
}

/**
 * Throws (path `/timeframe`, for the caller to locate in the spec) when the file's rows are spaced
 * unlike the declared timeframe.
 */
export async function checkFileSpacing(store: Store, symbol: string, file: string, data: FileData, tf: Timeframe, timezone: string): Promise<void> {
  const seen = await detectFileSpacing(store, file, data, timezone)
  if (!seen || seen.ms === tf.ms) return
  throw new BotsError(`timeframe is ${tf.text}, but the rows of ${symbol}'s data file ${path.basename(file)} are mostly ${seen.text} apart`, {
    code: 'data.timeframe_mismatch',
    path: '/timeframe',
    hint: `detected spacing ${seen.text}: write \`timeframe: ${seen.text}\`, or point data at a file of ${tf.text} bars`,
  })
}
