/** Shared by the data tests: fixture paths and a fresh store in a temp folder. */
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {after} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {closeStore, openStore, type Store} from '../../src/data/store.js'
import {tempDir} from '../helpers/tmp.js'

export const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url))
export const ORCL = path.join(FIXTURES, 'orcl-1995-2014.txt')
export const MIN5 = path.join(FIXTURES, '2006-min-005.txt')
export const DAY = path.join(FIXTURES, '2006-day-001.txt')
export const bad = (name: string) => path.join(FIXTURES, 'bad', name)

/** A read-write store in its own temp folder; every store is closed when the file's tests end. */
export async function freshStore(prefix = 'bots-data-'): Promise<{store: Store; dir: string; db: string}> {
  const dir = tempDir(prefix)
  const db = path.join(dir, 'store', 'bots.duckdb')
  return {store: await openStore({path: db}), dir, db}
}

after(() => closeStore())

/** Epoch ms of an ISO string (test convenience; `Date.parse` is fine outside engine code). */
export const ms = (iso: string) => Date.parse(iso)
export const iso = (t: number) => new Date(t).toISOString()

/** A valid minute-bar CSV of `rows` rows, written by DuckDB (a second, where a JS generator takes four). */
export async function writeMinuteBars(file: string, rows: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:')
  try {
    const conn = await instance.connect()
    await conn.run(`COPY (
      SELECT strftime(TIMESTAMP '2020-01-01' + to_minutes(i), '%Y-%m-%d %H:%M:%S') AS datetime,
        100 + (i % 997) / 100 AS open, 101 + (i % 997) / 100 AS high, 99 + (i % 997) / 100 AS low,
        100.5 + (i % 997) / 100 AS close, 100 + i % 9000 AS volume
      FROM range(${rows}) t(i)) TO '${file.replaceAll("'", "''")}' (HEADER)`)
    conn.closeSync()
  } finally {
    instance.closeSync()
  }
}
