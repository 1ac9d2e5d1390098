/**
 * A new store file starts as a copy of an empty store that the build makes (`npm run build`:
 * service/make-store-template.ts writes dist/data/empty-store.duckdb, every migration applied and
 * checkpointed) instead of running the migrations itself: creating the tables and checkpointing
 * them costs ~50 ms of every first import or first backtest, copying a 1 MB file ~1 ms. The
 * migrations still run on the copy as on any store, so a template that lacks one (a module that
 * registered it later) only means that one is applied there.
 *
 * - The copy appears whole or not at all: it is written and synced beside the target, then
 *   hard-linked into place, which fails when the file exists (another process created it first;
 *   that store is used). A copy left by a process killed meanwhile is removed by the next seeding.
 * - It is created with the user's umask, like a file DuckDB creates (a copy of the template would
 *   take the template's mode: read-only in a read-only install).
 * - Not when a WAL is there without its store (left by a deleted store): DuckDB deletes such a WAL
 *   when it creates the file itself, but would replay it into a copy, whose tables it fits.
 * - Not without a template (running from the sources), from another DuckDB version, when the
 *   template is not the size its description says (being rebuilt), or where the folder takes no
 *   hard links: the store is then created and migrated as before.
 *
 * In a store made this way `schema_migrations.applied_at` is when the build made the template.
 */
import {closeSync, existsSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import duckdb from '@duckdb/node-bindings'

/** The build's empty store (beside this module in dist/; there is none beside the sources). */
export const STORE_TEMPLATE = fileURLToPath(new URL('./empty-store.duckdb', import.meta.url))

/** What the template was made with, in `<template>.json`. */
export interface TemplateInfo {
  /** DuckDB's library version (`v1.5.6`): a file is copied only into the DuckDB that wrote it. */
  duckdb: string
  /** The template's size in bytes. */
  bytes: number
  /** The migrations it holds, in order. */
  migrations: string[]
}

export function templateInfoFile(template: string): string {
  return `${template}.json`
}

/**
 * Create `file` as a copy of `template` when neither `file` nor its WAL exists and the template
 * fits this DuckDB; true when this call created it.
 */
export function seedFromTemplate(file: string, template = STORE_TEMPLATE): boolean {
  if (existsSync(file) || existsSync(`${file}.wal`)) return false
  const bytes = fitting(template)
  if (bytes === undefined) return false
  removeAbandonedCopies(file)
  const temp = `${file}${SEED}${process.pid}-${Math.random().toString(36).slice(2)}`
  try {
    const content = readFileSync(template)
    if (content.length !== bytes) return false
    const fd = openSync(temp, 'wx', 0o666)
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    linkSync(temp, file)
    return true
  } catch {
    return false
  } finally {
    rmSync(temp, {force: true})
  }
}

const SEED = '.seed-'

/** The template's size when it fits this DuckDB. */
function fitting(template: string): number | undefined {
  try {
    const info = JSON.parse(readFileSync(templateInfoFile(template), 'utf8')) as Partial<TemplateInfo>
    if (info.duckdb !== duckdb.library_version() || typeof info.bytes !== 'number') return undefined
    return statSync(template).size === info.bytes ? info.bytes : undefined
  } catch {
    return undefined
  }
}

/** Copies of `file` by processes no longer running (killed between the copy and its removal). */
function removeAbandonedCopies(file: string): void {
  const dir = path.dirname(file)
  const prefix = `${path.basename(file)}${SEED}`
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && !running(pid)) rmSync(path.join(dir, name), {force: true})
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
