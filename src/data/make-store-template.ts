/**
 * Build step: the empty store that new store files are copied from (store-template.ts), with
 * every module's migrations applied. Run by `npm run build` after tsc.
 */
import {copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import duckdb from '@duckdb/node-bindings'
import {registeredMigrations} from './migrations.js'
import {closeStore, openStore} from './store.js'
import {STORE_TEMPLATE, templateInfoFile, type TemplateInfo} from './store-template.js'
import '../results/schema.js'
import '../service/schema.js'

export async function makeStoreTemplate(target: string): Promise<void> {
  // The old template goes first: the store below must be made by the migrations, not copied.
  rmSync(templateInfoFile(target), {force: true})
  rmSync(target, {force: true})
  const dir = mkdtempSync(path.join(tmpdir(), 'bots-template-'))
  try {
    const file = path.join(dir, 'empty.duckdb')
    await closeStore(await openStore({path: file}))
    if (existsSync(`${file}.wal`)) throw new Error('bug: the empty store was left with a WAL')
    copyFileSync(file, target)
    const info: TemplateInfo = {duckdb: duckdb.library_version(), migrations: registeredMigrations().map((m) => m.name)}
    writeFileSync(templateInfoFile(target), `${JSON.stringify(info, null, 2)}\n`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await makeStoreTemplate(STORE_TEMPLATE)
