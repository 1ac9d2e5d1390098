/**
 * The mark a process leaves beside a store file while it waits for another process to let the file
 * go, and a holder's watch on it (src/data/wait-mark.ts), on real files. "Another process" is this
 * test's parent (alive, not this process); a process that is gone is one that ran and exited. The
 * watch's clock is a plain number here: it never compares it with the file's own time.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {markWaiting, STALE_MARK_MS, unmarkWaiting, waitMarkPath, WaitMarkWatch} from '../../src/data/wait-mark.js'
import {tempDir} from '../helpers/tmp.js'

const store = () => path.join(tempDir('bots-wait-mark-'), 'bots.duckdb')
const T = 1_000 // the watcher's clock

describe('wait mark', () => {
  it('marks this process as waiting, is not taken for another process, and goes when unmarked', () => {
    const file = store()
    markWaiting(file)
    assert.equal(readFileSync(waitMarkPath(file), 'utf8'), String(process.pid))
    assert.equal(new WaitMarkWatch(file).othersWaiting(T), false, 'a process does not yield to its own mark')
    unmarkWaiting(file)
    assert.equal(existsSync(waitMarkPath(file)), false)
  })

  it("sees another live process's mark, and unmarking leaves it in place", () => {
    const file = store()
    writeFileSync(waitMarkPath(file), String(process.ppid))
    assert.equal(new WaitMarkWatch(file).othersWaiting(T), true)
    unmarkWaiting(file)
    assert.equal(readFileSync(waitMarkPath(file), 'utf8'), String(process.ppid))
  })

  it('removes the mark of a process that is gone', () => {
    const file = store()
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    writeFileSync(waitMarkPath(file), String(gone))
    assert.equal(new WaitMarkWatch(file).othersWaiting(T), false)
    assert.equal(existsSync(waitMarkPath(file)), false)
  })

  it('removes a mark not written again for STALE_MARK_MS on the watcher clock (its PID may be reused); a rewrite starts the count again', () => {
    const file = store()
    const mark = waitMarkPath(file)
    writeFileSync(mark, String(process.ppid))
    const watch = new WaitMarkWatch(file)
    assert.equal(watch.othersWaiting(T), true)
    assert.equal(watch.othersWaiting(T + STALE_MARK_MS), true)
    utimesSync(mark, new Date(Date.UTC(2030, 0, 1)), new Date(Date.UTC(2030, 0, 1))) // the waiter wrote it again
    assert.equal(watch.othersWaiting(T + STALE_MARK_MS + 1), true)
    assert.equal(watch.othersWaiting(T + 2 * STALE_MARK_MS + 1), true)
    assert.equal(watch.othersWaiting(T + 2 * STALE_MARK_MS + 2), false)
    assert.equal(existsSync(mark), false)
  })

  it('is best effort: no mark where it cannot be written, and no error', () => {
    const file = path.join(tempDir('bots-wait-mark-'), 'missing-folder', 'bots.duckdb')
    markWaiting(file)
    assert.equal(existsSync(waitMarkPath(file)), false)
    assert.equal(new WaitMarkWatch(file).othersWaiting(T), false)
    unmarkWaiting(file)
  })

  it('ignores a mark that holds no PID', () => {
    const file = store()
    writeFileSync(waitMarkPath(file), 'not a pid')
    assert.equal(new WaitMarkWatch(file).othersWaiting(T), false)
  })
})
