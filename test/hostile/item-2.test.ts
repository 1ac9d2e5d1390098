/**
 * Issue 16, item 2: one strategy must not freeze the whole service. A plugin whose
 * `onTradingIteration` never returns runs beside two healthy bots in a real `bots live` process:
 * its worker is stopped once the hook overruns `--iteration-timeout`, it goes to `error` with the
 * reason, the healthy bots go on (heartbeats written after it was stopped, decisions equal to a
 * backtest of the same bars), SIGTERM exits 0, a restarted service does not replay it into the
 * same loop, and `bots disable` works while it spins.
 *
 * Real processes on the wall clock: every wait is for a line the service prints or a file; the
 * timeouts are the helpers' safety nets, never timings.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {botRow, botsJson, events, query, startLive, storeWithOrcl, writeSpec} from '../service/helpers.js'

const HOG = `
import {existsSync} from 'node:fs'
import {defineStrategy} from 'bots'

export default defineStrategy({
  name: 'hog',
  description: 'Spins in onTradingIteration from its spin_at-th bar: forever, or until a file exists.',
  params: {
    type: 'object',
    properties: {
      spin_at: {type: 'integer', minimum: 1, default: 3, description: 'The bar at which it starts spinning.'},
      until_file: {type: 'string', description: 'Spin until this file exists (once); without it, forever.'},
    },
    additionalProperties: false,
  },
  create: (p: {spin_at: number; until_file?: string}) => ({
    onTradingIteration(ctx) {
      if (ctx.barCount() < p.spin_at || ctx.state.spun) return
      ctx.state.spun = true
      ctx.log.warn('spinning now')
      if (p.until_file !== undefined) {
        while (!existsSync(p.until_file)) {}
        ctx.log.warn('spun out')
        return
      }
      for (;;) {}
    },
  }),
})
`

describe('issue 16, item 2: a strategy that never returns, beside healthy bots', () => {
  const dir = tempDir('bots-hostile-2-')
  const plugins = path.join(dir, 'plugins')
  const db = path.join(dir, 'live.duckdb')
  let healthy: number[] = []
  let hog = 0

  before(async () => {
    mkdirSync(plugins)
    writeFileSync(path.join(plugins, 'hog.ts'), HOG)
    await storeWithOrcl(db)
    // Paced (40 bars a second over ~230 bars) so the healthy bots are mid-run when the hog spins.
    for (const name of ['steady-a', 'steady-b']) {
      healthy.push((await botsJson(db, 'add', writeSpec(dir, {name, userId: 1, speed: 40, start: '2014-02-03', params: {fast: 3, slow: 8, quantity: 10}}))).id)
    }
    hog = (await botsJson(db, 'add', writeSpec(dir, {name: 'hog', userId: 1, strategy: 'hog', speed: 40, start: '2014-02-03', params: {spin_at: 3}}), '--strategies', plugins)).id
  })

  it('the hog is stopped at its budget and goes to error; the others keep running and match a backtest; SIGTERM exits 0', async () => {
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', plugins, '--poll-interval', '1', '--heartbeat-interval', '0.2', '--iteration-timeout', '1'])
    await live.waitForOutput(/user 1: 3 enabled bots found, 3 loaded, 3 started/)
    await live.waitForOutput(/spinning now/)
    await live.waitForOutput(/bot \d+ "hog".*onTradingIteration did not return within 1 s/)
    for (const name of ['steady-a', 'steady-b']) await live.waitForOutput(new RegExp(`"${name}".*: the replay ended`))
    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
    assert.match(live.output(), /final state recorded/)

    const row = await botRow(db, hog)
    assert.equal(row.status, 'error', live.output())
    assert.match(row.error, /onTradingIteration did not return within 1 s/)
    assert.ok((await events(db, hog)).some((e) => e.kind === 'error' && /did not return within/.test(e.message ?? '')))
    assert.doesNotMatch(live.output(), /restart \d+ of/, 'a bot out of time is not restarted')

    const [stopped] = await query(db, `SELECT epoch_ms(max(ts))::DOUBLE AS t FROM bot_events WHERE bot_id = $id AND kind = 'error'`, {id: hog})
    for (const id of healthy) {
      const r = await botRow(db, id)
      assert.equal(r.status, 'stopped', `bot ${id}: ${r.error}`)
      assert.ok(r.heartbeat > stopped.t, `bot ${id}: heartbeats went on after the hog was stopped`)
      assert.ok((await query(db, `SELECT count(*)::INTEGER AS n FROM bot_trades WHERE bot_id = $id`, {id}))[0].n > 0, `bot ${id} traded`)
      // Its recorded bars replayed through `bots backtest`'s engine: the same decisions, fill for fill.
      const parity = await runCli(['parity', String(id), '--db', db, '--strategies', plugins])
      assert.equal(parity.code, 0, parity.stdout + parity.stderr)
    }
  })

  it('a restarted service does not replay the hog into the same loop', async () => {
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', plugins, '--poll-interval', '1', '--iteration-timeout', '1'])
    await live.waitForOutput(/bot \d+ "hog".*not started: it stays in error .*did not return within/)
    await live.waitForOutput(/user 1: 3 enabled bots found/)
    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
    assert.doesNotMatch(live.output(), /spinning now/)
    assert.equal((await botRow(db, hog)).status, 'error')
  })

  it('disabled then enabled, it runs again (and is stopped again)', async () => {
    await botsJson(db, 'disable', String(hog))
    await botsJson(db, 'enable', String(hog))
    const row = await botRow(db, hog)
    assert.equal(row.error, null)
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', plugins, '--poll-interval', '1', '--iteration-timeout', '0.5'])
    await live.waitForOutput(/bot \d+ "hog".*onTradingIteration did not return within 0.5 s/)
    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
  })
})

describe('issue 16, item 2: while a strategy spins, management works and SIGTERM is honoured', () => {
  const dir = tempDir('bots-hostile-2b-')
  const plugins = path.join(dir, 'plugins')
  const db = path.join(dir, 'live.duckdb')
  let steady = 0
  let hog = 0

  before(async () => {
    mkdirSync(plugins)
    writeFileSync(path.join(plugins, 'hog.ts'), HOG)
    await storeWithOrcl(db)
    steady = (await botsJson(db, 'add', writeSpec(dir, {name: 'steady', userId: 1, speed: 40, start: '2014-02-03'}))).id
    hog = (await botsJson(db, 'add', writeSpec(dir, {name: 'hog', userId: 1, strategy: 'hog', speed: 40, start: '2014-02-03', params: {spin_at: 3}}), '--strategies', plugins)).id
  })

  it('bots disable, run as the hog starts spinning, succeeds, and the service applies it', async () => {
    // The default budget (2 s): a write the service had in flight when the hook began is held
    // that long at most, well inside the 10 s a command waits for the store.
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', plugins, '--poll-interval', '1'])
    await live.waitForOutput(/spinning now/)
    const from = live.mark()
    const r = await runCli(['disable', String(steady), '--db', db])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    await live.waitForOutput(/"hog".*onTradingIteration did not return within 2 s/)
    await live.waitForOutput(/poll: 0 started, 1 stopped/, {after: from})
    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
    assert.equal((await botRow(db, steady)).enabled, false)
    assert.ok((await events(db, steady)).some((e) => e.kind === 'stop' && e.message === 'disabled'))
  })

  it('SIGTERM sent while the hog spins: the hog is stopped at its budget, then the service stops every bot and exits 0', async () => {
    await botsJson(db, 'disable', String(hog))
    await botsJson(db, 'enable', String(hog))
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', plugins, '--poll-interval', '1'])
    await live.waitForOutput(/spinning now/)
    const from = live.mark()
    live.child.kill('SIGTERM')
    await live.waitForOutput(/SIGTERM: stopping every bot/, {after: from})
    const exit = await live.exited
    assert.equal(exit.code, 0, live.output())
    assert.match(live.output().slice(from), /final state recorded/)
    assert.equal((await botRow(db, hog)).status, 'error')
  })
})
