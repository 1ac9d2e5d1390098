/**
 * Ctrl-C in `bots data import` (ImportInterrupt): before the commit it quits at once, exit 130,
 * saying nothing was imported and the store is as it was, which the store then shows; once the
 * last file is written the commit is let finish (exit 130, "it is stored"), a second Ctrl-C quits.
 * Before, nothing handled the signal: the process died of it without a word.
 *
 * The signal goes at a known point, as in test/newcomer/items-7-9: when stderr shows it. Waiting
 * for a store another process holds is a point the import cannot leave by itself. Mid-import, the
 * first progress line ("reading") comes with the whole read, check and write of 400,000 rows
 * still ahead; should a very busy machine let the import reach its commit before the signal
 * lands, the test checks that other, equally truthful, outcome against the store instead.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {ImportInterrupt, type ImportInterruptOutput} from '../../src/cli/import-interrupt.js'
import type {ImportProgress} from '../../src/data/import-types.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {interruptCli} from '../helpers/interrupt-cli.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'
import {ORCL, writeMinuteBars} from '../data/helpers.js'


/** The store's series as `bots data list --json` has them. */
async function series(db: string): Promise<unknown[]> {
  const r = await runCli(['data', 'list', '--db', db, '--json'])
  assert.equal(r.code, 0, r.stderr)
  return parseJson<unknown[]>(r)
}

describe('bots data import: Ctrl-C', () => {
  const dir = tempDir('bots-import-int-')
  const big = path.join(dir, 'big.csv')
  const db = path.join(dir, 'store.duckdb')
  let orclOnly: unknown[]
  before(async () => {
    await writeMinuteBars(big, 400_000) // ~21 MB: over the 8 MiB from which progress lines show
    const r = await runCli(['data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    orclOnly = await series(db)
    assert.equal(orclOnly.length, 1)
  })

  it('during the import: "interrupted while reading…: nothing was imported", exit 130, the store as it was', async () => {
    const r = await interruptCli(['data', 'import', big, '--symbol', 'BIG', '--timeframe', '1M', '--db', db], /reading/, {env: {CI: 'true'}})
    assert.ok(r.sent, r.stderr)
    assert.equal(r.code, 130, `exit ${r.code} (signal ${r.signal}):\n${r.stdout}${r.stderr}`)
    if (/interrupted after the import/.test(r.stderr)) {
      // The commit had begun (see the top of the file): then the import is stored, and says so.
      assert.match(r.stderr, /\ninterrupted: the import is being committed; finishing it first \(Ctrl-C again to quit now\)\n/)
      assert.match(r.stderr, /\ninterrupted after the import: it is stored \(400,000 new, 0 replaced\)\n$/)
      assert.equal((await series(db)).length, 2)
      return
    }
    assert.match(r.stderr, /\ninterrupted while (reading|checking|writing) big\.csv: nothing was imported; the store \S*store\.duckdb is as it was\n$/)
    assert.equal(r.stdout, '')
    assert.deepEqual(await series(db), orclOnly)
  })

  it('while it waits for a store another process holds: "before the import started", exit 130, the store as it was', async () => {
    const was = await series(db)
    const holder = await holdStore(db)
    let r
    try {
      r = await interruptCli(['data', 'import', ORCL, '--symbol', 'AGAIN', '--db', db], /holds the store [^\n]*; waiting up to 60 s/, {env: {CI: 'true', BOTS_LOCK_WAIT_MS: '60000'}})
    } finally {
      await holder.release()
    }
    assert.ok(r.sent, r.stderr)
    assert.equal(r.code, 130, `exit ${r.code} (signal ${r.signal}):\n${r.stdout}${r.stderr}`)
    assert.match(r.stderr, /\ninterrupted before the import started: nothing was imported; the store \S*store\.duckdb is as it was\n$/)
    assert.deepEqual(await series(db), was)
  })
})

class Exited extends Error {}

function output(): ImportInterruptOutput & {said: string[]} {
  return {
    said: [],
    say(text: string) {
      this.said.push(text)
    },
    quit(message: string): never {
      throw new Exited(message)
    },
  }
}

function quitWith(f: () => void): string | undefined {
  try {
    f()
  } catch (e) {
    if (e instanceof Exited) return e.message
    throw e
  }
  return undefined
}

const at = (file: string, phase: ImportProgress['phase']): ImportProgress => ({file: `/data/${file}`, phase, rows: 10, elapsedMs: 1})

describe('ImportInterrupt', () => {
  it('before any progress: before the import started', () => {
    const interrupt = new ImportInterrupt(1, 'the store s.duckdb is as it was', output())
    assert.equal(quitWith(interrupt.onSigint), 'interrupted before the import started: nothing was imported; the store s.duckdb is as it was')
  })

  it('until the last file is written: quits at once, naming the file and what it was doing', () => {
    const interrupt = new ImportInterrupt(2, 'the new store s.duckdb is empty', output())
    interrupt.onProgress(at('a.csv', 'read'))
    assert.equal(quitWith(interrupt.onSigint), 'interrupted while reading a.csv: nothing was imported; the new store s.duckdb is empty')
    interrupt.onProgress(at('b.csv', 'check'))
    assert.equal(quitWith(interrupt.onSigint), 'interrupted while checking b.csv: nothing was imported; the new store s.duckdb is empty')
    interrupt.onProgress(at('a.csv', 'write'))
    interrupt.onProgress(at('a.csv', 'done')) // one of two files: the commit is still ahead
    assert.equal(quitWith(interrupt.onSigint), 'interrupted while writing a.csv: nothing was imported; the new store s.duckdb is empty')
    assert.equal(interrupt.interrupted, false)
  })

  it('once the last file is written: the first Ctrl-C lets the commit finish and is remembered; the second quits', () => {
    const out = output()
    const interrupt = new ImportInterrupt(1, 'the store s.duckdb is as it was', out)
    interrupt.onProgress(at('a.csv', 'write'))
    interrupt.onProgress(at('a.csv', 'done'))
    assert.equal(quitWith(interrupt.onSigint), undefined)
    assert.equal(interrupt.interrupted, true)
    assert.deepEqual(out.said, ['interrupted: the import is being committed; finishing it first (Ctrl-C again to quit now)'])
    assert.match(quitWith(interrupt.onSigint) ?? '', /^interrupted again: quitting while the import was being committed \(a transaction: it is stored whole or not at all\)$/)
  })
})
