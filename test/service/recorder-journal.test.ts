/**
 * The recorder's journal path, without DuckDB: a commit function that says the store is locked
 * until the test opens it, a real journal file, and a SimulatedClock for the retries. A flush
 * resolves once its batch is in the journal; the backlog is committed in order, in one go once
 * the store is free, and the journal is emptied; a batch diverted while its direct write waits
 * for the lock, and then written directly, is committed once; a journal that cannot be written
 * makes the flush wait for the store, as without a journal.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {BotsError} from '../../src/core/errors.js'
import {Journal, type JournalEntry} from '../../src/service/journal.js'
import {Recorder} from '../../src/service/recorder.js'
import type {Registry} from '../../src/service/registry/registry.js'
import type {TradeRecord} from '../../src/service/records.js'
import {tempDir} from '../helpers/tmp.js'

const T0 = Date.UTC(2025, 0, 6, 12)
const trade = (n: number): TradeRecord => ({botId: 1, userId: 1, run: 1, orderId: n, fillSeq: n, symbol: 'ORCL', side: 'buy', quantity: 1, price: 10, commission: 0, time: T0 + n})

/** A store that skips entries it has (as DuckRegistry.commitJournal), locked while `locked` is true. */
function fakeStore(lastSeq = 0) {
  const s = {
    locked: true,
    marker: lastSeq,
    /** The numbers each successful commit wrote. */
    commits: [] as number[][],
    /** Set to make the next commit wait for it (a lock wait in progress). */
    gate: undefined as Promise<void> | undefined,
    onCommit: undefined as (() => void) | undefined,
    async commit(entries: JournalEntry[]): Promise<number> {
      s.onCommit?.()
      if (s.gate) await s.gate
      if (s.locked) throw new BotsError('the store stayed locked for 10 s: another process holds it', {code: 'store.locked'})
      const fresh = entries.filter((e) => e.seq > s.marker)
      if (fresh.length) s.commits.push(fresh.map((e) => e.seq))
      s.marker = Math.max(s.marker, ...entries.map((e) => e.seq))
      return s.marker
    },
  }
  return s
}

function recorder(file: string, store: ReturnType<typeof fakeStore>, clock: SimulatedClock, lines: string[]) {
  return new Recorder({
    registry: {kind: 'duckdb'} as unknown as Registry,
    scope: {userId: 1},
    clock,
    warn: (m) => void lines.push(m),
    info: (m) => void lines.push(m),
    journal: {log: new Journal(file), commit: (e) => store.commit(e), lastSeq: store.marker},
  })
}

describe('recorder with a journal', () => {
  const dir = tempDir('bots-recorder-journal-')

  it('a flush resolves once its batch is journaled; the backlog is committed in order, in one go, and the journal emptied', async () => {
    const file = path.join(dir, 'a.journal')
    const clock = new SimulatedClock(T0)
    const store = fakeStore(10)
    const lines: string[] = []
    const rec = recorder(file, store, clock, lines)
    rec.trade(trade(1))
    await rec.flush() // the store is locked: journaled
    rec.trade(trade(2))
    rec.status(1, {status: 'running'})
    await rec.flush() // behind the first, without trying the store
    assert.deepEqual((await new Journal(file).readAll()).map((e) => [e.seq, e.batch.trades.map((t) => t.fillSeq)]), [[11, [1]], [12, [2]]])
    assert.equal(rec.journaled, 2)
    assert.equal(rec.queuedRows, 3, 'journaled rows count against the bound')
    assert.ok(lines.some((l) => /the store cannot be written now \(the store stayed locked.*journaled in .*a\.journal/.test(l)), lines.join('\n'))

    await clock.runUntil(clock.now() + 20_000) // still locked: retried, nothing written
    assert.deepEqual(store.commits, [])
    store.locked = false
    await clock.runUntil(clock.now() + 10_000)
    await rec.drained()
    assert.deepEqual(store.commits, [[11, 12]], 'the backlog in one commit, in order')
    assert.equal(await new Journal(file).size(), 0, 'the journal is emptied')
    assert.equal(rec.journaled, 0)
    assert.equal(rec.queuedRows, 0)
    assert.ok(lines.some((l) => /the store takes writes again; 2 batches \(2 fills, 0 events\) written from the journal/.test(l)), lines.join('\n'))

    // The store is free: the next batch goes straight to it, numbered after the journal's.
    rec.trade(trade(3))
    await rec.flush()
    assert.deepEqual(store.commits, [[11, 12], [13]])
    assert.equal(await new Journal(file).size(), 0)
  })

  it('a batch diverted while its direct write waits for the lock, then written directly, is committed once', async () => {
    const file = path.join(dir, 'b.journal')
    const clock = new SimulatedClock(T0)
    const store = fakeStore()
    store.locked = false
    let open!: () => void
    store.gate = new Promise<void>((r) => (open = r))
    const lines: string[] = []
    const rec = recorder(file, store, clock, lines)
    // The store module reports a wait for the lock (DbOptions.onLockWait) while the write waits.
    store.onCommit = () => rec.noteWait(true)
    rec.trade(trade(1))
    await rec.flush() // resolved by the journal, the direct write still waiting
    assert.deepEqual((await new Journal(file).readAll()).map((e) => e.seq), [1])
    store.onCommit = undefined
    store.gate = undefined
    open()
    await rec.drained()
    assert.deepEqual(store.commits, [[1]], 'written once, by the direct write')
    assert.equal(await new Journal(file).size(), 0)
    assert.ok(!lines.some((l) => /cannot be written/.test(l)), 'a short wait is not an outage: ' + lines.join('\n'))
  })

  it('a journal that cannot be written: the flush waits for the store, as without one', async () => {
    const file = path.join(dir, 'missing-folder', 'c.journal')
    const clock = new SimulatedClock(T0)
    const store = fakeStore()
    const lines: string[] = []
    // The failed append is real file I/O, not on the simulated clock: wait for its warning itself.
    const saidIt = /the journal .*c\.journal cannot be written .*kept in memory until the store takes it/
    let heard!: () => void
    const warned = new Promise<void>((r) => (heard = r))
    const seen = new Proxy(lines, {get: (a, p) => (p === 'push' ? (m: string) => (saidIt.test(m) && heard(), a.push(m)) : Reflect.get(a, p))})
    const rec = recorder(file, store, clock, seen)
    rec.trade(trade(1))
    let done = false
    const flushed = rec.flush().then(() => (done = true))
    await clock.runUntil(clock.now() + 30_000)
    await warned
    assert.equal(done, false, 'not durable anywhere yet')
    assert.ok(lines.some((l) => saidIt.test(l)), lines.join('\n'))
    store.locked = false
    await clock.runUntil(clock.now() + 10_000)
    await flushed
    assert.deepEqual(store.commits, [[1]])
  })
})
