/**
 * A process that waits for a DuckDB store file held by another process says so in a mark beside
 * it (`<file>.wait`, holding the waiter's PID). DuckDB's file lock has no queue, and a failed open
 * takes 10–50 ms: a holder that lets the file go for a moment and takes it again (the live
 * service's turns, `service/store-turns.ts`) could keep a waiter out for seconds (measured: a
 * `bots list` waited 3.5 s beside 100 bots). A holder that takes turns watches for a mark before
 * each hold and leaves the file free a while longer when it finds one (`WaitMarkWatch`); it does
 * not mark its own waits, which would hide the others' (one mark serves all waiters).
 *
 * Best effort, and racy on purpose: where the mark cannot be written (a read-only folder), the
 * waiter waits unmarked; a waiter removing its mark, or a watcher removing a dead one, may remove
 * a mark another waiter wrote a moment before. Each failed try writes the mark again, so such a
 * waiter is back in it at its next try.
 */
import {readFileSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'

/** A waiter writes its mark again at every failed try (at most ~0.8 s apart): unchanged for longer, it is left over. */
export const STALE_MARK_MS = 5_000

export function waitMarkPath(file: string): string {
  return `${file}.wait`
}

/** Mark that this process waits for `file` (written whole: temp file, then rename). */
export function markWaiting(file: string): void {
  const mark = waitMarkPath(file)
  const tmp = `${mark}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, String(process.pid))
    renameSync(tmp, mark)
  } catch {
    removeQuietly(tmp)
  }
}

/** Remove the mark if it is still this process's. */
export function unmarkWaiting(file: string): void {
  const mark = waitMarkPath(file)
  if (readMark(mark)?.pid === process.pid) removeQuietly(mark)
}

/**
 * Whether another process marks that it waits for `file`, as a holder sees it over time. A mark
 * whose process is gone is removed, and so is one not written again for STALE_MARK_MS (its PID
 * may have been reused). The age is measured on the watcher's own clock, from when it first saw
 * that very mark: the file's time comes from another clock (and a simulated one in tests).
 */
export class WaitMarkWatch {
  private seen: {pid: number; writtenMs: number; since: number} | undefined

  constructor(readonly file: string) {}

  othersWaiting(now: number): boolean {
    const mark = waitMarkPath(this.file)
    const found = readMark(mark)
    if (found === undefined || found.pid === process.pid) {
      this.seen = undefined
      return false
    }
    const same = this.seen !== undefined && this.seen.pid === found.pid && this.seen.writtenMs === found.writtenMs
    if (!same) this.seen = {...found, since: now}
    if (now - this.seen!.since <= STALE_MARK_MS && alive(found.pid)) return true
    removeQuietly(mark)
    this.seen = undefined
    return false
  }
}

function readMark(mark: string): {pid: number; writtenMs: number} | undefined {
  try {
    const pid = Number(readFileSync(mark, 'utf8'))
    return Number.isInteger(pid) && pid > 0 ? {pid, writtenMs: statSync(mark).mtimeMs} : undefined
  } catch {
    return undefined // no mark (the usual case), or it went away meanwhile
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by another user
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch {
    // gone already
  }
}
