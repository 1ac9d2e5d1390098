/**
 * A new store file starts as a copy of an empty store that the build makes (`npm run build`:
 * make-store-template.ts writes dist/data/empty-store.duckdb, every migration applied and
 * checkpointed) instead of running the migrations itself: creating the tables and checkpointing
 * them costs ~50 ms of every first import or first backtest, copying a 1 MB file ~1 ms. The
 * migrations still run on the copy as on any store, so a template that lacks one (a module that
 * registered it later) only means that one is applied there.
 *
 * The copy appears whole or not at all: it is written beside the target and hard-linked into place,
 * which fails when the file exists (another process created it first; that store is used). Where
 * there is no template, it was made by another DuckDB version, or the folder takes no hard links,
 * nothing is copied and the store is created and migrated as before. In a store made this way
 * `schema_migrations.applied_at` is when the build made the template.
 */
import {copyFileSync, existsSync, linkSync, readFileSync, rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import duckdb from '@duckdb/node-bindings'

/** The build's empty store (beside this module in dist/; there is none beside the sources). */
export const STORE_TEMPLATE = fileURLToPath(new URL('./empty-store.duckdb', import.meta.url))

/** What the template was made with, in `<template>.json`. */
export interface TemplateInfo {
  /** DuckDB's library version (`v1.5.6`): a file is copied only into the DuckDB that wrote it. */
  duckdb: string
  /** The migrations it holds, in order. */
  migrations: string[]
}

export function templateInfoFile(template: string): string {
  return `${template}.json`
}

/**
 * Create `file` as a copy of `template` when `file` does not exist and the template fits this
 * DuckDB; true when this call created it.
 */
export function seedFromTemplate(file: string, template = STORE_TEMPLATE): boolean {
  if (existsSync(file) || !fits(template)) return false
  const temp = `${file}.seed-${process.pid}-${Math.random().toString(36).slice(2)}`
  try {
    copyFileSync(template, temp)
    linkSync(temp, file)
    return true
  } catch {
    return false
  } finally {
    rmSync(temp, {force: true})
  }
}

function fits(template: string): boolean {
  try {
    const info = JSON.parse(readFileSync(templateInfoFile(template), 'utf8')) as Partial<TemplateInfo>
    return info.duckdb === duckdb.library_version() && existsSync(template)
  } catch {
    return false
  }
}
