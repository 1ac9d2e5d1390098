/**
 * The mark a process leaves beside a store file while it waits for another process to let the file
 * go (src/data/wait-mark.ts), on real files. "Another process" is this test's parent (alive, not
 * this process); a process that is gone is one that ran and exited.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {markWaiting, otherProcessWaiting, STALE_MARK_MS, unmarkWaiting, waitMarkPath} from '../../src/data/wait-mark.js'
import {tempDir} from '../helpers/tmp.js'

const store = () => path.join(tempDir('bots-wait-mark-'), 'bots.duckdb')
const now = () => Date.now()

describe('wait mark', () => {
  it('marks this process as waiting, is not taken for another process, and goes when unmarked', () => {
    const file = store()
    markWaiting(file)
    assert.equal(readFileSync(waitMarkPath(file), 'utf8'), String(process.pid))
    assert.equal(otherProcessWaiting(file, now()), false, 'a process does not yield to its own mark')
    unmarkWaiting(file)
    assert.equal(existsSync(waitMarkPath(file)), false)
  })

  it("sees another live process's mark, and unmarking leaves it in place", () => {
    const file = store()
    writeFileSync(waitMarkPath(file), String(process.ppid))
    assert.equal(otherProcessWaiting(file, now()), true)
    unmarkWaiting(file)
    assert.equal(readFileSync(waitMarkPath(file), 'utf8'), String(process.ppid))
  })

  it('removes the mark of a process that is gone', () => {
    const file = store()
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    writeFileSync(waitMarkPath(file), String(gone))
    assert.equal(otherProcessWaiting(file, now()), false)
    assert.equal(existsSync(waitMarkPath(file)), false)
  })

  it('removes a mark not written again for STALE_MARK_MS (its PID may be reused)', () => {
    const file = store()
    writeFileSync(waitMarkPath(file), String(process.ppid))
    const written = statSync(waitMarkPath(file)).mtimeMs
    assert.equal(otherProcessWaiting(file, written + STALE_MARK_MS - 1), true)
    assert.equal(otherProcessWaiting(file, written + STALE_MARK_MS + 1), false)
    assert.equal(existsSync(waitMarkPath(file)), false)
  })

  it('is best effort: no mark where it cannot be written, and no error', () => {
    const file = path.join(tempDir('bots-wait-mark-'), 'missing-folder', 'bots.duckdb')
    markWaiting(file)
    assert.equal(existsSync(waitMarkPath(file)), false)
    assert.equal(otherProcessWaiting(file, now()), false)
    unmarkWaiting(file)
  })

  it('ignores a mark that holds no PID', () => {
    const file = store()
    writeFileSync(waitMarkPath(file), 'not a pid')
    assert.equal(otherProcessWaiting(file, now()), false)
  })
})
