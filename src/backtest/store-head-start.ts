/**
 * A stored spec's store starts opening while the spec is still being validated: DuckDB takes
 * ~45 ms to open a store file, on a thread of its own, and the validation is ~40 ms of this one.
 * The path is read from the spec's YAML as the spec will resolve it (`--db`, else `data.db`
 * against the spec's folder, else BOTS_DB or the default). Only an existing file is opened, read
 * only, as the load will open it; the load's own open then shares that DuckDB instance (store.ts
 * keeps one per file), and `release` lets this handle go. A head start that turns out to be for
 * another file, or for nothing (an invalid spec), is only closed: it never decides anything. (A
 * store written by an older bots is migrated by any open, this one included.)
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {readRegularFile} from '../core/regular-file.js'
import {parse} from '../core/yaml.js'
import {MAX_SPEC_BYTES} from '../document/load-yaml.js'
import {resolveStorePath} from '../data/store-path.js'
import {closeStore, openStore, type Store} from '../data/store.js'

export interface HeadStart {
  /** Closes the head start's own handle (after the load opened its own, or on a failure). */
  release(): Promise<void>
}

export function storeHeadStart(specFile: string, dbFlag: string | undefined): HeadStart {
  const opening: Promise<Store | undefined> = headStartFile(specFile, dbFlag)
    .then((file) => (file === undefined ? undefined : openStore({path: file, readOnly: true, lockWaitMs: 0})))
    .catch(() => undefined)
  return {release: async () => {
    const store = await opening
    if (store) await closeStore(store)
  }}
}

/** The store a stored spec reads, when it is an existing file; undefined for anything else. */
export async function headStartFile(specFile: string, dbFlag: string | undefined): Promise<string | undefined> {
  try {
    // Read as the spec's loader reads it: a FIFO, a device or a huge file is left to its errors.
    const read = await readRegularFile(specFile, MAX_SPEC_BYTES)
    if (!read.ok) return undefined
    const raw = parse(read.bytes.toString('utf8')) as {data?: {source?: unknown; db?: unknown}} | null
    const data = raw?.data
    if (data?.source !== undefined && data.source !== 'store') return undefined // a file source opens it for writing
    const db = dbFlag ?? (typeof data?.db === 'string' ? path.resolve(path.dirname(path.resolve(specFile)), data.db) : undefined)
    if (db === ':memory:') return undefined
    const file = resolveStorePath(db)
    return existsSync(file) ? file : undefined
  } catch {
    return undefined // the validation says what is wrong with the spec
  }
}
