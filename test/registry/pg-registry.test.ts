/**
 * The PostgreSQL registry end to end: the real CLI (`dist/`) as child processes against a real,
 * throwaway PostgreSQL cluster per describe block (test/helpers/pg-cluster.mjs).
 *
 * - the management commands through `--registry` behave as they do on the DuckDB store, and refuse
 *   a URL with a password (without ever printing it) or a registry that cannot be reached;
 * - two users' `bots live` processes on one registry each claim only their own user's bots;
 * - a change made with a management command reaches a running service by LISTEN/NOTIFY (its poll
 *   and lease renewal are an hour apart, so nothing else could have told it);
 * - a 10 s outage of the registry loses nothing: the fills recorded are exactly a backtest's.
 *
 * Bars stay in a DuckDB store (`--db`), imported once per block. No sleeps, except the outage
 * itself (a stimulus, not a synchronisation); every wait is on a printed line, with SAFETY_MS as
 * the only timeout.
 */
import assert from 'node:assert/strict'
import {createServer, type AddressInfo} from 'node:net'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {setTimeout as delay} from 'node:timers/promises'
import {startPgCluster, type PgCluster, pgSkip} from '../helpers/pg-cluster.mjs'
import {parseJson, runCli, type CliResult} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {botsJson, startLive, storeWithOrcl, writeSpec, type LiveProcess} from '../service/helpers.js'

/** A management command on the registry, --json parsed; fails the test on a non-zero exit. */
async function botsPg(url: string, ...args: string[]): Promise<any> {
  const r = await runCli([...args, '--registry', url, '--json'])
  if (r.code !== 0) throw new Error(`bots ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
  return parseJson(r)
}

const both = (r: CliResult) => r.stdout + r.stderr
const noStack = (r: CliResult) => assert.doesNotMatch(both(r), /\n\s+at .+:\d+:\d+/, `a stack trace was printed:\n${both(r)}`)

const fillKey = (f: {symbol: string; side: string; quantity: number; price: number; time: number | string}) =>
  `${f.symbol} ${f.side} ${f.quantity} @ ${f.price} ${new Date(f.time).toISOString()}`

/** Stops a service with SIGTERM and checks it exited cleanly. */
async function stopLive(p: LiveProcess): Promise<void> {
  const r = await p.signal('SIGTERM')
  assert.equal(r.code, 0, p.output())
}

describe('PostgreSQL registry: management commands', {skip: pgSkip()}, () => {
  const dir = tempDir('bots-pg-manage-')
  let pg: PgCluster
  before(async () => {
    pg = await startPgCluster()
  })
  after(() => pg?.destroy())

  it('add, list, status, enable/disable, update, remove work as on the DuckDB store', async () => {
    const url = pg.url
    // writeSpec names the file after the bot: each version of a spec in a folder of its own.
    const [v1, v2] = ['v1', 'v2'].map((v) => {
      mkdirSync(path.join(dir, v))
      return path.join(dir, v)
    })
    const spec = writeSpec(v1, {name: 'alpha', params: {fast: 5, slow: 20, quantity: 10}})
    const added = await botsPg(url, 'add', spec, '--user-id', '7')
    assert.equal(added.userId, 7)
    assert.equal(added.name, 'alpha')
    assert.equal(added.enabled, true)
    assert.equal(added.status, 'stopped')
    const id = String(added.id)

    const other = await botsPg(url, 'add', writeSpec(dir, {name: 'beta'}), '--user-id', '8', '--disabled')
    assert.equal(other.enabled, false)

    const list = await botsPg(url, 'list')
    assert.deepEqual(list.map((b: any) => [b.id, b.userId, b.name]), [[added.id, 7, 'alpha'], [other.id, 8, 'beta']])
    const mine = await botsPg(url, 'list', '--user-id', '7')
    assert.deepEqual(mine.map((b: any) => b.name), ['alpha'])

    const status = await botsPg(url, 'status', id)
    assert.equal(status.id, added.id)
    assert.equal(status.status, 'stopped')
    assert.equal(status.trades, 0)
    assert.equal(status.lease, null, 'no service has run it yet')

    assert.equal((await botsPg(url, 'disable', id)).enabled, false)
    assert.equal((await botsPg(url, 'enable', id)).enabled, true)

    // The same files on a DuckDB store, step by step: `update` must report what it reports there.
    const duck = path.join(dir, 'registry.duckdb')
    const onDuck = async (...args: string[]) => botsJson(duck, ...args)
    const d0 = await onDuck('add', spec, '--user-id', '7')
    const both2 = async (file: string) => [await botsPg(url, 'update', id, file), await onDuck('update', String(d0.id), file)]

    // Different params: changed, a new spec_hash. The same file again: not changed.
    const changed = writeSpec(v2, {name: 'alpha', params: {fast: 6, slow: 20, quantity: 10}})
    const [u1, d1] = await both2(changed)
    assert.equal(u1.changed, true)
    assert.notEqual(u1.specHash, added.specHash)
    const [again, dAgain] = await both2(changed)
    assert.equal(again.changed, false)
    // Only a comment added to the same file: the spec_hash (of the typed spec) stays, so a service
    // does not restart the bot. The text is stored, so `changed` is true here, as on DuckDB (where
    // test/service/manager.test.ts asserts exactly that for a cosmetic change).
    writeFileSync(changed, readFileSync(changed, 'utf8') + '# only a comment\n')
    const [u2, d2] = await both2(changed)
    assert.equal(u2.specHash, u1.specHash)
    assert.deepEqual([u1.changed, again.changed, u2.changed], [d1.changed, dAgain.changed, d2.changed], 'update reports `changed` as on the DuckDB store')
    assert.equal(d2.specHash, u2.specHash, 'the same spec_hash on both registries')

    const logs = await botsPg(url, 'logs', id)
    const duckLogs = await onDuck('logs', String(d0.id))
    assert.deepEqual(logs.map((e: any) => e.kind).filter((k: string) => k !== 'disabled' && k !== 'enabled'), duckLogs.map((e: any) => e.kind))
    assert.deepEqual(logs.slice(0, 4).map((e: any) => e.kind), ['added', 'disabled', 'enabled', 'updated'])

    // A duplicate name for the same user is refused, and nothing is stored.
    const dup = await runCli(['add', spec, '--user-id', '7', '--registry', url])
    assert.equal(dup.code, 1, both(dup))
    assert.match(dup.stderr, /user 7 already has a bot named "alpha"/)
    noStack(dup)
    assert.equal((await botsPg(url, 'list', '--user-id', '7')).length, 1)

    const missing = await runCli(['status', '999', '--registry', url])
    assert.equal(missing.code, 1, both(missing))
    assert.match(both(missing), /no bot with id 999/)
    noStack(missing)

    const removed = await botsPg(url, 'remove', id)
    assert.equal(removed.id, added.id)
    assert.deepEqual((await botsPg(url, 'list')).map((b: any) => b.name), ['beta'])
    const gone = await runCli(['status', id, '--registry', url])
    assert.equal(gone.code, 1)
    assert.match(both(gone), new RegExp(`no bot with id ${id}`))
  })

  it('refuses a URL holding a password, and never prints the password', async () => {
    const bots = (await botsPg(pg.url, 'list')).length
    const withPassword = `postgres://bots:secret@127.0.0.1:${pg.port}/bots`
    for (const args of [['list'], ['status', '1'], ['add', writeSpec(dir, {name: 'gamma'}), '--user-id', '1']]) {
      const r = await runCli([...args, '--registry', withPassword])
      assert.equal(r.code, 1, both(r))
      assert.match(both(r), /PGPASSWORD/)
      assert.doesNotMatch(both(r), /secret/)
      noStack(r)
    }
    // Through the environment as well.
    const env = await runCli(['list'], {env: {BOTS_REGISTRY: withPassword}})
    assert.equal(env.code, 1, both(env))
    assert.match(both(env), /PGPASSWORD/)
    assert.doesNotMatch(both(env), /secret/)
    // Nothing was added.
    assert.equal((await botsPg(pg.url, 'list')).length, bots)
  })

  it('an unreachable registry is a clear error with exit 1, not a stack trace', async () => {
    // A port nothing listens on: one the system just gave out, and closed again.
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise((resolve) => server.close(resolve))
    const url = `postgres://bots@127.0.0.1:${port}/bots`
    for (const args of [['list'], ['status'], ['live', '--user-id', '1']]) {
      const r = await runCli([...args, '--registry', url])
      assert.equal(r.code, 1, both(r))
      assert.match(both(r), /cannot use the registry/)
      noStack(r)
    }
  })
})

describe('PostgreSQL registry: two users, two services', {skip: pgSkip()}, () => {
  const dir = tempDir('bots-pg-users-')
  const db = path.join(dir, 'bars.duckdb')
  let pg: PgCluster
  before(async () => {
    ;[pg] = await Promise.all([startPgCluster(), storeWithOrcl(db)])
  })
  after(() => pg?.destroy())

  it('each `bots live --user-id N` claims only its own user\'s bots', async () => {
    const url = pg.url
    // Slow replays: still running while the leases are read.
    const specs = [
      {name: 'u1-a', user: 1}, {name: 'u1-b', user: 1}, {name: 'u2-a', user: 2}, {name: 'u2-b', user: 2}, {name: 'u2-c', user: 2},
    ]
    const ids = new Map<string, {id: number; user: number}>()
    for (const s of specs) {
      const bot = await botsPg(url, 'add', writeSpec(dir, {name: s.name, speed: 2, start: '2013-04-01'}), '--user-id', String(s.user))
      ids.set(s.name, {id: bot.id, user: s.user})
    }
    const args = (user: number) => ['--user-id', String(user), '--registry', url, '--db', db, '--poll-interval', '3600']
    const one = startLive(args(1))
    const two = startLive(args(2))
    await Promise.all([
      one.waitForOutput(/user 1: 2 enabled bots found \(2 claimed by this process\)/),
      two.waitForOutput(/user 2: 3 enabled bots found \(3 claimed by this process\)/),
    ])
    const pidOf = new Map([[1, one.child.pid], [2, two.child.pid]])

    const leases = await pg.sql(`SELECT bot_id::int AS id, pid, holder, epoch::int AS epoch FROM bot_leases ORDER BY bot_id`)
    assert.equal(leases.length, specs.length)
    for (const [name, b] of ids) {
      const l = leases.find((x) => x.id === b.id)
      assert.ok(l, `bot ${name} has a lease`)
      assert.equal(l.pid, pidOf.get(b.user), `bot ${name} (user ${b.user}) is held by its user's process`)
      assert.equal(l.epoch, 1)
    }
    // Each process holds under one holder name: the two never share one.
    const holders = new Map(leases.map((l) => [l.pid, l.holder]))
    assert.equal(new Set(leases.map((l) => l.holder)).size, 2)
    for (const l of leases) assert.equal(l.holder, holders.get(l.pid))

    // Each bot was claimed once, and each process's log names only its own user's bots.
    const claims = await pg.sql(`SELECT bot_id::int AS id, user_id::int AS user FROM bot_events WHERE kind = 'claim' ORDER BY bot_id`)
    assert.deepEqual(claims, [...ids.values()].map((b) => ({id: b.id, user: b.user})))
    for (const [name, b] of ids) {
      const mine = b.user === 1 ? one : two
      const theirs = b.user === 1 ? two : one
      assert.match(mine.output(), new RegExp(`bot ${b.id} "${name}": claimed, epoch 1`))
      assert.doesNotMatch(theirs.output(), new RegExp(`"${name}"`))
    }

    const listed = await botsPg(url, 'list', '--user-id', '1')
    assert.deepEqual(listed.map((b: any) => b.name), ['u1-a', 'u1-b'])
    const status = await botsPg(url, 'status', String(ids.get('u2-a')!.id))
    assert.equal(status.lease.pid, two.child.pid)

    await Promise.all([stopLive(one), stopLive(two)])
    // A graceful stop hands every lease back.
    const held = await pg.sql(`SELECT count(*)::int AS n FROM bot_leases WHERE holder IS NOT NULL`)
    assert.equal(held[0].n, 0)
  })
})

describe('PostgreSQL registry: changes reach a running service by NOTIFY', {skip: pgSkip()}, () => {
  const dir = tempDir('bots-pg-notify-')
  const db = path.join(dir, 'bars.duckdb')
  let pg: PgCluster
  before(async () => {
    ;[pg] = await Promise.all([startPgCluster(), storeWithOrcl(db)])
  })
  after(() => pg?.destroy())

  it('update, disable, enable and add act at once while the poll is an hour away', async () => {
    const url = pg.url
    const bot = await botsPg(url, 'add', writeSpec(dir, {name: 'slow', speed: 2, start: '2013-04-01', params: {fast: 5, slow: 20, quantity: 10}}), '--user-id', '1')
    // Poll and lease renewal (which also looks for free bots) an hour apart: within this test,
    // only a NOTIFY can make the service look at the registry again.
    const live = startLive(['--user-id', '1', '--registry', url, '--db', db, '--poll-interval', '3600', '--lease-ttl', '3600'])
    await live.waitForOutput(new RegExp(`bot ${bot.id} "slow": claimed, epoch 1`))
    await live.waitForOutput(/"slow": started/)

    let at = live.mark()
    const u = await botsPg(url, 'update', String(bot.id), writeSpec(dir, {name: 'slow', speed: 2, start: '2013-04-01', params: {fast: 6, slow: 20, quantity: 10}}))
    assert.equal(u.changed, true)
    await live.waitForOutput(new RegExp(`bot ${bot.id} "slow": spec changed; restarting with the new spec`), {after: at})
    await live.waitForOutput(/poll: \d+ started, \d+ stopped, 1 reloaded/, {after: at})

    at = live.mark()
    await botsPg(url, 'disable', String(bot.id))
    await live.waitForOutput(/poll: 0 started, 1 stopped, 0 reloaded/, {after: at})
    // Disabled: its lease is handed back.
    const released = await pg.sql(`SELECT holder FROM bot_leases WHERE bot_id = $1`, [bot.id])
    assert.equal(released[0].holder, null)

    at = live.mark()
    await botsPg(url, 'enable', String(bot.id))
    await live.waitForOutput(new RegExp(`bot ${bot.id} "slow": claimed, epoch 2`), {after: at})
    await live.waitForOutput(/"slow": (started|resumed from its saved state)/, {after: at})

    at = live.mark()
    const fresh = await botsPg(url, 'add', writeSpec(dir, {name: 'fresh', speed: 2, start: '2013-04-01'}), '--user-id', '1')
    await live.waitForOutput(new RegExp(`bot ${fresh.id} "fresh": claimed, epoch 1`), {after: at})
    await live.waitForOutput(new RegExp(`bot ${fresh.id} "fresh": started`), {after: at})

    // Another user's bot is not this service's business, NOTIFY or not.
    at = live.mark()
    const foreign = await botsPg(url, 'add', writeSpec(dir, {name: 'foreign', speed: 2, start: '2013-04-01'}), '--user-id', '2')
    // Something this service does hear of afterwards, to know the foreign NOTIFY was handled first.
    await botsPg(url, 'disable', String(fresh.id))
    await live.waitForOutput(/poll: 0 started, 1 stopped/, {after: at})
    assert.doesNotMatch(live.output().slice(at), /"foreign"/)
    const foreignLease = await pg.sql(`SELECT count(*)::int AS n FROM bot_leases WHERE bot_id = $1`, [foreign.id])
    assert.equal(foreignLease[0].n, 0)

    const kinds = (await botsPg(url, 'logs', String(bot.id))).map((e: any) => e.kind)
    for (const k of ['claim', 'start', 'updated', 'reload', 'disabled', 'enabled']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`)
    await stopLive(live)
  })
})

describe('PostgreSQL registry: an outage loses nothing', {skip: pgSkip()}, () => {
  const dir = tempDir('bots-pg-outage-')
  const db = path.join(dir, 'bars.duckdb')
  let pg: PgCluster
  before(async () => {
    ;[pg] = await Promise.all([startPgCluster(), storeWithOrcl(db)])
  })
  after(() => pg?.destroy())

  it('a 10 s outage (shorter than the lease): every fill recorded once, the same as a backtest', async () => {
    const url = pg.url
    const start = '2011-01-03'
    const specs = [
      {name: 'out-a', file: writeSpec(dir, {name: 'out-a', speed: 20, start, params: {fast: 5, slow: 20, quantity: 10}})},
      {name: 'out-b', file: writeSpec(dir, {name: 'out-b', speed: 20, start, params: {fast: 3, slow: 12, quantity: 7}})},
    ]
    const bots = []
    for (const s of specs) bots.push({...s, id: (await botsPg(url, 'add', s.file, '--user-id', '1')).id as number})

    const live = startLive(['--user-id', '1', '--registry', url, '--db', db, '--lease-ttl', '30', '--poll-interval', '0.5', '--heartbeat-interval', '0.5'])
    // A fill is printed once it is in the registry: both bots are trading.
    await Promise.all(bots.map((b) => live.waitForOutput(new RegExp(`"${b.name}": filled `))))

    const down = live.mark()
    await pg.stop()
    // The outage must really last: this wait is the test's stimulus (10 s without a registry,
    // less than the 30 s lease), not a synchronisation with the service.
    await delay(10_000)
    await pg.start()

    await Promise.all(bots.map((b) => live.waitForOutput(new RegExp(`"${b.name}": the replay ended`), {after: down})))
    await stopLive(live)

    const out = live.output().slice(down)
    const lost = out.search(/the registry is unreachable \(/)
    assert.ok(lost >= 0, `the outage was noticed:\n${out}`)
    assert.match(out.slice(lost), /the registry takes writes again/)
    assert.doesNotMatch(out, /not recorded|lease ran out|no longer holds|taken over/)
    // The once-a-second look for free bots stays quiet through an outage (the renewal reports it).
    assert.doesNotMatch(out, /\bbalance: /)

    for (const b of bots) {
      const trades = await botsPg(url, 'trades', String(b.id))
      // Nothing twice: each (run, order, fill) once, each order filled once.
      assert.equal(new Set(trades.map((t: any) => `${t.run}/${t.orderId}/${t.fillSeq}`)).size, trades.length)
      assert.equal(new Set(trades.map((t: any) => `${t.run}/${t.orderId}`)).size, trades.length)
      assert.equal(new Set(trades.map((t: any) => t.run)).size, 1, 'one run throughout')

      const bt = await runCli(['backtest', b.file, '--db', db, '--no-record', '--json'])
      assert.equal(bt.code, 0, bt.stderr)
      const result = parseJson(bt)
      assert.ok(result.fills.length > 0)
      assert.deepEqual(trades.map(fillKey), result.fills.map(fillKey), `bot ${b.name}: recorded fills vs the backtest`)

      const status = await botsPg(url, 'status', String(b.id))
      assert.equal(status.status, 'stopped')
      assert.ok(Math.abs(status.equity - result.finalValue) < 1e-6, `${b.name}: equity ${status.equity} vs ${result.finalValue}`)
      // The claim held throughout: one epoch.
      const claims = await pg.sql(`SELECT count(*)::int AS n FROM bot_events WHERE bot_id = $1 AND kind IN ('claim', 'takeover')`, [b.id])
      assert.equal(claims[0].n, 1)
    }
  })
})
