/**
 * At start, what a previous service of this user left in its journal is committed before any bot
 * starts (see `journal.ts`). All of it in one transaction when the store takes it; when the store
 * refuses it (for a reason other than a lock), one batch at a time, so that a batch it cannot take
 * never costs the others their fills: only the refused ones are written beside the journal for
 * inspection. Either way the journal is then emptied.
 */
import type {Journal, JournalEntry} from './journal.js'
import {unreachable} from './recorder.js'

export interface ReplayLog {
  info(message: string): void
  error(message: string): void
}

/** Commits entries not committed yet; the store's last committed sequence number, and how many entries it wrote. */
export type CommitEntries = (entries: JournalEntry[]) => Promise<{seq: number; written: number}>

/** Replays the journal into the store; resolves with the sequence number the next entry must exceed. */
export async function replayJournal(file: Journal, commit: CommitEntries, log: ReplayLog): Promise<number> {
  const entries = await file.readAll()
  // Heartbeats and lease renewals of a dead process are not news: only its records are replayed.
  for (const e of entries) {
    e.batch.heartbeats.clear()
    delete e.batch.lease
  }
  const newest = entries.reduce((m, e) => Math.max(m, e.seq), 0)
  try {
    const done = await commit(entries)
    if (entries.length) {
      const skipped = entries.length - done.written
      log.info(`journal ${file.file}: ${plural(entries.length, 'batch', 'batches')} (${fillsOf(entries)} fills) of a previous run committed${skipped ? ` (${skipped} already in the store, skipped)` : ''}`)
    }
    if ((await file.size()) > 0) await file.clear()
    return Math.max(done.seq, newest)
  } catch (e) {
    if (unreachable(e) || entries.length === 0) throw e
  }
  const refused: JournalEntry[] = []
  let reason = ''
  for (const entry of entries) {
    try {
      await commit([entry])
    } catch (e) {
      if (unreachable(e)) throw e
      refused.push(entry)
      reason ||= (e as Error).message.split('\n')[0]
    }
  }
  const kept = entries.length - refused.length
  if (refused.length > 0) {
    const to = await file.writeAside(refused, `failed-${newest}`)
    log.error(`journal ${file.file}: the store refused ${plural(refused.length, 'batch', 'batches')} (${fillsOf(refused)} fills) of a previous run (${reason}); kept in ${to}` +
      `${kept ? `; the other ${plural(kept, 'batch was', 'batches were')} committed` : ''}`)
  } else {
    log.info(`journal ${file.file}: ${plural(entries.length, 'batch', 'batches')} (${fillsOf(entries)} fills) of a previous run committed one by one`)
  }
  await file.clear()
  // Number new entries after both the store's last and the journal's.
  return Math.max((await commit([])).seq, newest)
}

const fillsOf = (entries: readonly JournalEntry[]) => entries.reduce((n, x) => n + x.batch.trades.length, 0)
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
