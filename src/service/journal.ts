/**
 * The recorder's journal: an append-only file beside the DuckDB store
 * (`<store>.user-<id>.journal`) where write batches go while the store cannot take them (another
 * process holds it). Each batch is one JSON line, written and fsynced before `append` resolves, so
 * a fill in the journal survives a `kill -9` of the service; the recorder commits the journaled
 * batches when the store is free, and the next service start commits whatever a dead process left.
 *
 * Each line carries a sequence number. The store records the last number it committed in the same
 * transaction as the batch (`DuckRegistry.commitJournal`), so committing a line twice (a crash
 * after the commit and before `clear`) writes nothing the second time.
 *
 * One file per user: several services (one per user) may share a store, each with its own journal.
 * Only one process writes it (the user's service lease). Operations run one at a time, in the order
 * they were called: a `clear` called after an `append` truncates after that line is written.
 */
import {constants} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import path from 'node:path'
import {emptyBatch, type Batch} from './write-batch.js'

export interface JournalEntry {
  /** Increasing over the life of the store (continued after the store's last committed number). */
  seq: number
  batch: Batch
}

export class Journal {
  private tail: Promise<unknown> = Promise.resolve()
  /** The file may end in a torn line (a failed append): the next append starts on a new line. */
  private torn = false
  private dirSynced = false
  private checked = false

  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** The journal of `userId`'s service on the store at `storePath`. */
  static forStore(storePath: string, userId: number, warn?: (message: string) => void): Journal {
    return new Journal(`${storePath}.user-${userId}.journal`, warn)
  }

  /** Appends one batch as one line; resolves once it is on disk (fsynced). */
  append(entry: JournalEntry): Promise<void> {
    const line = encodeEntry(entry) + '\n'
    return this.serial(async () => {
      const created = !(await exists(this.file))
      // A file left by a process that died mid-append ends in a torn line: start on a new one.
      if (!this.checked && !created) this.torn = !(await endsLine(this.file))
      this.checked = true
      const fh = await open(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600)
      try {
        await fh.writeFile((this.torn ? '\n' : '') + line)
        await fh.datasync()
        this.torn = false
      } catch (e) {
        this.torn = true
        throw e
      } finally {
        await fh.close()
      }
      // A new file's name is durable only once its folder is synced.
      if (created && !this.dirSynced) {
        await syncDir(path.dirname(this.file))
        this.dirSynced = true
      }
    })
  }

  /** Every complete line, in order; a line that does not parse (a torn append at a crash) is skipped with a warning. */
  readAll(): Promise<JournalEntry[]> {
    return this.serial(async () => {
      let text: string
      try {
        const fh = await open(this.file, 'r')
        try {
          text = await fh.readFile('utf8')
        } finally {
          await fh.close()
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw e
      }
      const lines = text.split('\n')
      const entries: JournalEntry[] = []
      lines.forEach((l, i) => {
        if (l.trim() === '') return
        try {
          entries.push(decodeEntry(l))
        } catch {
          // The last segment has no newline after it: an append the process did not finish.
          this.warn(`journal ${this.file}: line ${i + 1} is ${i === lines.length - 1 ? 'torn (the process stopped while writing it)' : 'unreadable'}; skipped`)
        }
      })
      return entries
    })
  }

  /** Empties the file (once what it holds is committed). */
  clear(): Promise<void> {
    return this.serial(async () => {
      let fh
      try {
        fh = await open(this.file, 'r+')
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
        throw e
      }
      try {
        await fh.truncate(0)
        await fh.datasync()
        this.torn = false
      } finally {
        await fh.close()
      }
    })
  }

  /**
   * Writes `entries` (batches the store refuses for a reason other than a lock) to a file beside the
   * journal, fsynced, for inspection; returns its path. The journal itself is left as it is.
   */
  writeAside(entries: readonly JournalEntry[], suffix: string): Promise<string> {
    return this.serial(async () => {
      const to = `${this.file}.${suffix}`
      const fh = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600)
      try {
        await fh.writeFile(entries.map((e) => encodeEntry(e) + '\n').join(''))
        await fh.datasync()
      } finally {
        await fh.close()
      }
      return to
    })
  }

  /** Bytes in the file (0 when there is none). */
  async size(): Promise<number> {
    try {
      return (await stat(this.file)).size
    } catch {
      return 0
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn)
    this.tail = run.catch(() => {})
    return run
  }
}

/**
 * One batch made of several, in order: rows appended, a bot's latest state wins, status updates
 * merged field by field (a later one overrides), heartbeats united, the latest lease renewal.
 */
export function mergeBatches(batches: Batch[]): Batch {
  if (batches.length === 1) return batches[0]
  const m = emptyBatch()
  for (const b of batches) {
    for (const t of b.trades) m.trades.push(t)
    for (const o of b.orders) m.orders.push(o)
    for (const x of b.bars) m.bars.push(x)
    for (const x of b.metrics) m.metrics.push(x)
    for (const e of b.events) m.events.push(e)
    for (const [id, s] of b.states) m.states.set(id, s)
    for (const [id, u] of b.statuses) m.statuses.set(id, {...m.statuses.get(id), ...u})
    for (const id of b.heartbeats) m.heartbeats.add(id)
    if (b.lease) m.lease = b.lease
  }
  return m
}

/**
 * A line of the journal. Maps and Sets are written as arrays; numbers JSON cannot hold (NaN, ±∞:
 * equity before the first price) as `{"$num": "NaN"}`, so a batch reads back as it was written.
 */
export function encodeEntry(e: JournalEntry): string {
  const b = e.batch
  const body = {
    trades: b.trades, orders: b.orders, bars: b.bars, metrics: b.metrics, events: b.events,
    states: [...b.states], statuses: [...b.statuses], heartbeats: [...b.heartbeats], lease: b.lease,
  }
  return JSON.stringify({seq: e.seq, batch: body}, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? {$num: String(v)} : v))
}

export function decodeEntry(line: string): JournalEntry {
  const o = JSON.parse(line, (_k, v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$num === 'string' ? Number(v.$num) : v))
  if (typeof o?.seq !== 'number' || typeof o.batch !== 'object') throw new Error('not a journal entry')
  const b = o.batch
  const batch: Batch = {
    trades: b.trades ?? [], orders: b.orders ?? [], bars: b.bars ?? [], metrics: b.metrics ?? [], events: b.events ?? [],
    states: new Map(b.states ?? []), statuses: new Map(b.statuses ?? []), heartbeats: new Set(b.heartbeats ?? []),
  }
  if (b.lease) batch.lease = b.lease
  return {seq: o.seq, batch}
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

/** Whether the file is empty or ends with a newline. */
async function endsLine(file: string): Promise<boolean> {
  const fh = await open(file, 'r')
  try {
    const {size} = await fh.stat()
    if (size === 0) return true
    const buf = Buffer.alloc(1)
    await fh.read(buf, 0, 1, size - 1)
    return buf[0] === 0x0a
  } finally {
    await fh.close()
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    // Some platforms cannot sync a folder; the file's own fsync is what they offer.
  }
}
