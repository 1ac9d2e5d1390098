/**
 * Build step: the empty store that new store files are copied from (data/store-template.ts),
 * with every module's migrations applied. Here, not in data/, because it needs every module that
 * owns tables, and service is the highest of them. Run by `npm run build` after tsc.
 */
import {existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import duckdb from '@duckdb/node-bindings'
import {DuckDBInstance} from '../data/duckdb-api.js'
import {migrate, registeredMigrations} from '../data/migrations.js'
import {STORE_TEMPLATE, templateInfoFile, type TemplateInfo} from '../data/store-template.js'
import '../data/schema.js'
import '../results/schema.js'
import './schema.js'

export async function makeStoreTemplate(target: string): Promise<void> {
  // Made by the migrations on a file of its own (never copied from an earlier template), in a
  // folder beside the target, then renamed into place: a process copying the template meanwhile
  // reads the old file or the new one, whole, and checks its size against the description, which
  // is written last.
  const dir = mkdtempSync(path.join(path.dirname(target), '.template-'))
  try {
    const file = path.join(dir, 'empty.duckdb')
    const instance = await DuckDBInstance.create(file)
    const conn = await instance.connect()
    try {
      await migrate(conn)
      await conn.run('CHECKPOINT')
    } finally {
      conn.closeSync()
      instance.closeSync()
    }
    if (existsSync(`${file}.wal`)) throw new Error('bug: the empty store was left with a WAL')
    const info: TemplateInfo = {duckdb: duckdb.library_version(), bytes: statSync(file).size, migrations: registeredMigrations().map((m) => m.name)}
    renameSync(file, target)
    const infoTemp = path.join(dir, 'info.json')
    writeFileSync(infoTemp, `${JSON.stringify(info, null, 2)}\n`)
    renameSync(infoTemp, templateInfoFile(target))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await makeStoreTemplate(STORE_TEMPLATE)
