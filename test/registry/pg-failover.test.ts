/**
 * Several `bots live` processes sharing the bots of a PostgreSQL registry, end to end (a real
 * server, real child processes on the wall clock, waits on printed lines and on registry rows
 * re-read whenever a process prints something):
 *
 * 1. three processes share the bots evenly; one is killed (`kill -9`), the two others take its bots
 *    over once the leases expire, and every bot's fills are exactly those of `bots backtest` on the
 *    same bars, none twice, no position lost;
 * 2. a holder frozen past its TTL (SIGSTOP) loses its bot to another process, and once it runs
 *    again it writes nothing more under its old epoch: it stops the bot.
 *
 * BOTS_TEST_FAILOVER_BOTS sets the number of bots of the first test (30; a multiple of 3).
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {startLive, storeWithOrcl, writeSpec, type LiveProcess} from '../service/helpers.js'
import {addBots, count, pgCluster, whenever} from './pg-helpers.js'
import {pgSkip} from '../helpers/pg-cluster.mjs'

const BOTS = Number(process.env.BOTS_TEST_FAILOVER_BOTS ?? 30)
/** 20 bars a second from mid-2013: about 19 s of replay per bot. */
const SPEED = 20
const START = '2013-07-01'
const PARAMS = {fast: 5, slow: 20, quantity: 10}

const liveArgs = (url: string, db: string) => ['--user-id', '1', '--registry', url, '--db', db, '--lease-ttl', '2', '--poll-interval', '60']

interface Fill {
  side: string
  quantity: number
  price: number
  commission: number
  time: string
}
const fillOf = (f: {side: string; quantity: number; price: number; commission: number; time: number | string | Date}): Fill => ({
  side: f.side, quantity: Number(f.quantity), price: Number(f.price), commission: Number(f.commission), time: new Date(f.time).toISOString(),
})

/** The open positions of a saved state or a backtest, as symbol → quantity (flat ones left out). */
function openPositions(positions: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  const list = Array.isArray(positions) ? positions : Object.entries((positions ?? {}) as Record<string, any>).map(([symbol, p]) => (typeof p === 'number' ? {symbol, quantity: p} : {symbol, ...p}))
  for (const p of list as {symbol: string; quantity?: number; size?: number}[]) {
    const q = Number(p.quantity ?? p.size ?? 0)
    if (q !== 0) out[p.symbol] = q
  }
  return out
}

async function backtest(spec: string, db: string): Promise<any> {
  const bt = await runCli(['backtest', spec, '--db', db, '--no-record', '--json'])
  assert.equal(bt.code, 0, bt.stderr)
  return parseJson(bt)
}

describe('PostgreSQL registry: failover between bots live processes', {skip: pgSkip()}, () => {
  const dir = tempDir('bots-pg-failover-')
  const db = path.join(dir, 'bars.duckdb')
  const pg = pgCluster()
  before(() => storeWithOrcl(db))

  it(`${BOTS} bots shared by three processes; one is killed, the others take its bots over, and every bot trades exactly as a backtest`, async () => {
    const {cluster} = pg
    assert.equal(BOTS % 3, 0, 'BOTS_TEST_FAILOVER_BOTS must be a multiple of 3')
    const specs = Array.from({length: BOTS}, (_, i) => writeSpec(dir, {name: `share-${String(i + 1).padStart(3, '0')}`, userId: 1, speed: SPEED, start: START, params: PARAMS}))
    const bots = await addBots(cluster.url, db, specs, 1)
    const ids = bots.map((b) => b.id)

    const procs: LiveProcess[] = [0, 1, 2].map(() => startLive(liveArgs(cluster.url, db)))
    const pids = procs.map((p) => p.child.pid!)

    // Settled: every bot held (by a live process's lease), BOTS / 3 each.
    const even = BOTS / 3
    const holders = await whenever(procs, async () => {
      const rows = await cluster.sql(`SELECT pid, count(*)::int AS n FROM bot_leases WHERE holder IS NOT NULL AND expires_at > now() GROUP BY pid ORDER BY pid`)
      const held = rows.reduce((s, r) => s + r.n, 0)
      return held === BOTS && rows.length === 3 && rows.every((r) => r.n === even) ? rows : undefined
    }, `${BOTS} bots held ${even}/${even}/${even}`)
    assert.deepEqual(holders.map((r) => r.pid).sort(), [...pids].sort())

    // The victim: the one started last (any would do); what it holds now.
    const victim = procs[2]
    const survivors = procs.slice(0, 2)
    const victimBots = (await cluster.sql(`SELECT bot_id::int AS id, epoch::int AS epoch FROM bot_leases WHERE pid = $1 ORDER BY bot_id`, [victim.child.pid])).map((r) => ({id: r.id, epoch: r.epoch}))
    assert.equal(victimBots.length, even)
    const marks = survivors.map((p) => p.mark())
    const killed = await victim.signal('SIGKILL')
    assert.equal(killed.signal, 'SIGKILL')

    // The two others take its bots over once its leases expire: one `taken over` line per bot.
    const takeover = new RegExp(`bot (\\d+) "[^"]+": taken over from \\S+ PID ${victim.child.pid} \\(its lease expired\\), epoch (\\d+)`, 'g')
    const takenOver = () => survivors.flatMap((p, i) => [...p.output().slice(marks[i]).matchAll(takeover)].map((m) => ({id: Number(m[1]), epoch: Number(m[2]), by: p.child.pid})))
    await whenever(survivors, async () => takenOver().length >= even || undefined, `${even} bots taken over`)
    const taken = takenOver()
    assert.deepEqual(taken.map((t) => t.id).sort((a, b) => a - b), victimBots.map((b) => b.id))
    for (const t of taken) assert.ok(t.epoch > victimBots.find((b) => b.id === t.id)!.epoch, `bot ${t.id}: epoch ${t.epoch} after the takeover`)
    const leases = await cluster.sql(`SELECT bot_id::int AS id, pid, epoch::int AS epoch FROM bot_leases WHERE bot_id = ANY($1::bigint[])`, [victimBots.map((b) => b.id)])
    for (const l of leases) assert.equal(l.pid, taken.find((t) => t.id === l.id)!.by, `bot ${l.id} held by the process that took it over`)

    // Every bot's replay has ended where it runs now: a `the replay ended` line from its last holder, after its claim.
    const ended = () => ids.every((id) => {
      let last: {p: LiveProcess; at: number; epoch: number} | undefined
      for (const p of procs) {
        for (const m of p.output().matchAll(new RegExp(`bot ${id} "[^"]+": (?:claimed|taken over from [^\\n]*), epoch (\\d+)`, 'g'))) {
          if (!last || Number(m[1]) > last.epoch) last = {p, at: m.index!, epoch: Number(m[1])}
        }
      }
      return last !== undefined && new RegExp(`bot ${id} "[^"]+": the replay ended`).test(last.p.output().slice(last.at))
    })
    await whenever(survivors, async () => ended() || undefined, `the replay of all ${BOTS} bots ended`)
    // SIGTERM: each survivor records what it still has queued and exits 0.
    for (const p of survivors) assert.equal((await p.signal('SIGTERM')).code, 0, p.output())
    const endedRows = await cluster.sql(`SELECT count(DISTINCT bot_id)::int AS n FROM bot_events WHERE kind = 'feed-end' AND bot_id = ANY($1::bigint[])`, [ids])
    assert.equal(endedRows[0].n, BOTS, 'a feed-end event recorded for every bot')

    const result = await backtest(specs[0], db)
    const expected = (result.fills as any[]).map(fillOf)
    assert.ok(expected.length > 2, `the backtest trades (${expected.length} fills)`)
    const open = openPositions(result.positions)

    const trades = await cluster.sql(`SELECT bot_id::int AS id, order_id::int AS order_id, fill_seq, side, quantity, price, commission, fill_time FROM bot_trades WHERE bot_id = ANY($1::bigint[]) ORDER BY bot_id, fill_time, order_id`, [ids])
    const dupes = await cluster.sql(`SELECT bot_id::int AS id, count(*)::int AS n, count(DISTINCT (order_id, fill_seq))::int AS d FROM bot_trades WHERE bot_id = ANY($1::bigint[]) GROUP BY bot_id`, [ids])
    const states = await cluster.sql(`SELECT bot_id::int AS id, state FROM bot_state WHERE bot_id = ANY($1::bigint[])`, [ids])
    for (const id of ids) {
      const mine = trades.filter((t) => t.id === id)
      assert.deepEqual(mine.map((t) => fillOf({side: t.side, quantity: t.quantity, price: t.price, commission: t.commission, time: t.fill_time})), expected, `bot ${id}: the fills of the backtest`)
      const d = dupes.find((x) => x.id === id)
      assert.equal(d?.n, d?.d, `bot ${id}: no fill recorded twice`)
      const state = states.find((s) => s.id === id)?.state
      assert.ok(state, `bot ${id}: a saved state`)
      assert.deepEqual(openPositions(state.positions), open, `bot ${id}: the backtest's final position`)
      assert.equal(state.fillCount, expected.length, `bot ${id}: fill count in the saved state`)
    }
  })

  it('a holder frozen past its TTL loses the bot, and once it runs again writes nothing under its old epoch', async () => {
    const {cluster} = pg
    const spec = writeSpec(dir, {name: 'frozen', userId: 2, speed: SPEED, start: START, params: PARAMS})
    const [bot] = await addBots(cluster.url, db, [spec], 2)
    const args = ['--user-id', '2', '--registry', cluster.url, '--db', db, '--lease-ttl', '2', '--poll-interval', '60']

    const a = startLive(args)
    const claimed = await a.waitForOutput(new RegExp(`bot ${bot.id} "frozen": claimed, epoch (\\d+)`))
    const epochA = Number(/epoch (\d+)/.exec(claimed)![1])
    // Rows written under A's epoch: wait for a fill on disk (printed once written).
    await a.waitForOutput(/"frozen": filled /)
    a.child.kill('SIGSTOP')

    const b = startLive(args)
    const line = await b.waitForOutput(new RegExp(`bot ${bot.id} "frozen": taken over from \\S+ PID ${a.child.pid} \\(its lease expired\\), epoch (\\d+)`))
    const epochB = Number(/epoch (\d+)$/.exec(line)![1])
    assert.ok(epochB > epochA, `epoch ${epochB} after ${epochA}`)

    // What A wrote under its epoch, as B took the bot (A is frozen: it cannot write in between).
    const written = async () => ({
      trades: (await cluster.sql(`SELECT run, order_id::int AS o, fill_seq AS s FROM bot_trades WHERE bot_id = $1 AND epoch = $2 ORDER BY run, order_id, fill_seq`, [bot.id, epochA])).map((r) => `${r.run}/${r.o}/${r.s}`),
      maxFillSeq: (await cluster.sql(`SELECT max(fill_seq) AS m FROM bot_trades WHERE bot_id = $1 AND epoch = $2`, [bot.id, epochA]))[0].m,
      orders: (await cluster.sql(`SELECT run, order_id::int AS o FROM bot_orders WHERE bot_id = $1 AND epoch = $2 ORDER BY run, order_id`, [bot.id, epochA])).map((r) => `${r.run}/${r.o}`),
    })
    const atTakeover = await written()
    assert.ok(atTakeover.trades.length > 0, 'A recorded fills before it was frozen')

    // A runs again: it learns it lost the bot (renewal refused, or its local deadline passed, or a write fenced) and stops it.
    const mark = a.mark()
    a.child.kill('SIGCONT')
    await a.waitForOutput(new RegExp(`bot ${bot.id} "frozen": [^\\n]*stopped here`), {after: mark})

    // The lease names B, not A.
    const lease = await cluster.sql(`SELECT holder, pid, epoch::int AS epoch FROM bot_leases WHERE bot_id = $1`, [bot.id])
    assert.equal(lease[0].pid, b.child.pid)
    assert.equal(lease[0].epoch, epochB)
    const status = await runCli(['status', String(bot.id), '--registry', cluster.url, '--db', db, '--json'])
    assert.equal(status.code, 0, status.stderr)
    const st = parseJson(status)
    const view = Array.isArray(st) ? st[0] : st
    assert.equal(view.lease.pid, b.child.pid)
    assert.equal(view.lease.epoch, epochB)
    const aRow = await cluster.sql(`SELECT holder FROM service_processes WHERE pid = $1`, [a.child.pid])
    for (const r of aRow) assert.notEqual(r.holder, lease[0].holder)

    // A has had every chance to write: its shutdown flushes whatever it still had queued.
    assert.equal((await a.signal('SIGTERM')).code, 0, a.output())
    const afterA = await written()
    // Nothing new under A's epoch (B may re-key an order of A's to its own epoch, never the reverse).
    assert.deepEqual(afterA.trades, atTakeover.trades)
    assert.equal(afterA.maxFillSeq, atTakeover.maxFillSeq)
    for (const o of afterA.orders) assert.ok(atTakeover.orders.includes(o), `order ${o} written under A's epoch after the takeover`)
    assert.equal(count(a.output().slice(mark), new RegExp(`"frozen": filled `, 'g')), 0, 'A printed no fill (on disk) after it was resumed')

    assert.equal((await b.signal('SIGTERM')).code, 0, b.output())
    const still = await cluster.sql(`SELECT pid FROM bot_leases WHERE bot_id = $1 AND holder IS NOT NULL`, [bot.id])
    assert.deepEqual(still, [], 'B handed the bot back as it stopped')
  })
})
