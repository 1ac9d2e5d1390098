/**
 * `bots live` as a real process, with the management commands run as other real processes
 * against the same DuckDB file while it runs: add, disable, update, status, list, then SIGTERM.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {botRow, botsJson, events, startLive, storeWithOrcl, waitFor, writeSpec} from './helpers.js'

describe('bots live (real processes)', () => {
  const dir = tempDir('bots-live-')
  const db = path.join(dir, 'live.duckdb')
  before(() => storeWithOrcl(db))

  it('management commands work while it runs; it picks up adds, disables and spec changes; SIGTERM stops every bot and exits 0', async () => {
    // Slow replays (10 bars a second from 2012): they run for the whole test.
    const alpha = await botsJson(db, 'add', writeSpec(dir, {name: 'alpha', userId: 1, speed: 10, start: '2012-01-03'}))
    const live = startLive(['--user-id', '1', '--db', db, '--poll-interval', '0.3', '--heartbeat-interval', '0.3'])
    await live.waitForOutput(/user 1: 1 enabled bot found, 1 loaded, 1 started/)
    const status = async (id: number) => botsJson(db, 'status', String(id))
    // Polled in process (quick); the commands themselves are checked as processes below.
    await waitFor('alpha running with a heartbeat', async () => {
      const r = await botRow(db, alpha.id)
      return r.status === 'running' && r.heartbeat !== null
    })
    assert.equal((await status(alpha.id)).status, 'running')

    // A second service for the same user would run every bot twice: it refuses.
    const twice = await runCli(['live', '--user-id', '1', '--db', db])
    assert.equal(twice.code, 1)
    assert.match(twice.stderr, new RegExp(`error user 1's bots are already run by another \`bots live\` \\(PID ${live.child.pid} on .*\\)\n {2}hint: stop it first \\(kill ${live.child.pid}\\)`))

    const beta = await botsJson(db, 'add', writeSpec(dir, {name: 'beta', userId: 1, speed: 10, start: '2012-01-03'}))
    await waitFor('beta started', async () => (await botRow(db, beta.id)).status === 'running')
    await live.waitForOutput(/bot \d+ "beta": started/)

    await botsJson(db, 'disable', String(alpha.id))
    await waitFor('alpha stopped', async () => (await botRow(db, alpha.id)).status === 'stopped')
    const alphaLogs = await botsJson(db, 'logs', String(alpha.id))
    assert.deepEqual(alphaLogs.map((e: any) => e.kind), ['added', 'start', 'disabled', 'stop'])
    assert.equal(alphaLogs.at(-1).message, 'disabled')

    // A new spec for beta: validated by `update`, then restarted by the service, resuming its account.
    const updated = await botsJson(db, 'update', String(beta.id), writeSpec(dir, {name: 'beta', userId: 1, speed: 10, start: '2012-01-03', params: {fast: 4, slow: 20, quantity: 5}}))
    assert.equal(updated.changed, true)
    await waitFor('beta reloaded', async () => (await events(db, beta.id)).some((e) => e.kind === 'resume'))
    const betaLogs = (await botsJson(db, 'logs', String(beta.id))).map((e: any) => e.kind)
    assert.deepEqual(betaLogs.slice(0, 6), ['added', 'start', 'updated', 'reload', 'stop', 'resume'])
    assert.equal((await status(beta.id)).status, 'running')

    // An invalid spec is refused by `update` itself: nothing stored, the running version untouched.
    const bad = await runCli(['update', String(beta.id), writeSpec(dir, {name: 'beta', params: {fast: 40, slow: 20}}), '--db', db])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /beta\.yaml:\d+:\d+ error \/strategy\/params\/fast: fast \(40\) must be smaller than slow \(20\)/)
    assert.match(bad.stderr, /nothing was stored/)

    // Heartbeats keep coming, and `list` reads the registry meanwhile.
    const hb = Date.parse((await status(beta.id)).heartbeatAt)
    await waitFor('a newer heartbeat', async () => (await botRow(db, beta.id)).heartbeat > hb)
    const list = await botsJson(db, 'list', '--user-id', '1')
    assert.deepEqual(list.map((b: any) => [b.name, b.enabled, b.status]), [['alpha', false, 'stopped'], ['beta', true, 'running']])

    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
    assert.ok(exit.ms < 5_000, `took ${exit.ms} ms to exit`)
    assert.match(live.output(), /SIGTERM: stopping every bot/)
    assert.doesNotMatch(live.output(), /\n\s+at .*\.js:\d+/) // no stack traces
    const final = await status(beta.id)
    assert.equal(final.status, 'stopped')
    assert.ok(final.equity > 0)
    const lastEvent = (await botsJson(db, 'logs', String(beta.id))).at(-1)
    assert.deepEqual([lastEvent.kind, lastEvent.message], ['stop', 'service stopped (SIGTERM)'])
  })

  it('refuses bad input with a located error and no stack trace', async () => {
    const noUser = await runCli(['live', '--db', db])
    assert.equal(noUser.code, 2)
    assert.match(noUser.stderr, /Missing required flag user-id/)
    const badPoll = await runCli(['live', '--user-id', '1', '--poll-interval', 'soon', '--db', db])
    assert.equal(badPoll.code, 2)
    assert.match(badPoll.stderr, /positive number of seconds, got "soon"/)
    const unknown = await runCli(['status', '999', '--db', db])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /no bot with id 999\n {2}hint: `bots list`/)
    const invalid = await runCli(['add', path.join('examples', 'invalid', 'unknown-key.yaml'), '--user-id', '1', '--db', db, '--json'])
    assert.equal(invalid.code, 1)
    const j = JSON.parse(invalid.stdout)
    assert.equal(j.error.code, 'spec.invalid')
    assert.equal(j.diagnostics[0].code, 'schema.unknown_key')
    assert.equal(j.diagnostics[0].line, 6)
    const mismatch = await runCli(['add', writeSpec(dir, {name: 'whose', userId: 1}), '--user-id', '2', '--db', db])
    assert.equal(mismatch.code, 1)
    assert.match(mismatch.stderr, /whose\.yaml error \/user_id: the spec says user_id 1 but --user-id is 2\n {2}hint: make them agree/)
    const nobody = await runCli(['add', writeSpec(dir, {name: 'nobody'}), '--db', db])
    assert.equal(nobody.code, 1)
    assert.match(nobody.stderr, /give --user-id N/)
    assert.equal((await botsJson(db, 'list')).length, 2)
  })
})
