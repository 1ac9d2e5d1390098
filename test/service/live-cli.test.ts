/**
 * `bots live` as a real process, with the management commands run as other real processes
 * against the same DuckDB file while it runs: add, disable, update, status, list, then SIGTERM.
 *
 * The test waits for what the service prints, and the service prints a poll's changes and each
 * heartbeat (--verbose) only once they are written: after the line, the database says so.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {botRow, botsJson, logsOf, startLive, statusOf, storeWithOrcl, writeSpec} from './helpers.js'

describe('bots live (real processes)', () => {
  const dir = tempDir('bots-live-')
  const db = path.join(dir, 'live.duckdb')
  before(() => storeWithOrcl(db))

  it('management commands work while it runs; it picks up adds, disables and spec changes; SIGTERM stops every bot and exits 0', async () => {
    // Slow replays (2 bars a second from 2010: more than ten minutes): they run for the whole test.
    const slow = {userId: 1, speed: 2, start: '2010-01-04'}
    const alpha = await botsJson(db, 'add', writeSpec(dir, {name: 'alpha', ...slow}))
    const live = startLive(['--user-id', '1', '--db', db, '--poll-interval', '0.3', '--heartbeat-interval', '0.3', '--verbose'])
    await live.waitForOutput(/user 1: 1 enabled bot found, 1 loaded, 1 started/)
    // Read back in process where the command itself is not what is tested (each CLI start costs seconds on a busy machine).
    assert.equal((await statusOf(db, alpha.id)).status, 'running')
    await live.waitForOutput(new RegExp(`heartbeat written for 1 running bot \\(${alpha.id}\\)`))
    assert.notEqual((await botRow(db, alpha.id)).heartbeat, null)

    // A second service for the same user would run every bot twice: it refuses.
    const twice = await runCli(['live', '--user-id', '1', '--db', db])
    assert.equal(twice.code, 1)
    assert.match(twice.stderr, new RegExp(`error user 1's bots are already run by another \`bots live\` \\(PID ${live.child.pid} on .*\\)\n {2}hint: stop it first \\(kill ${live.child.pid}\\)`))

    let from = live.mark()
    const beta = await botsJson(db, 'add', writeSpec(dir, {name: 'beta', ...slow}))
    await live.waitForOutput(/poll: 1 started, 0 stopped, 0 reloaded, 0 failed, 1 unchanged/, {after: from})
    assert.match(live.output().slice(from), new RegExp(`bot ${beta.id} "beta": started`))
    assert.equal((await botRow(db, beta.id)).status, 'running')

    from = live.mark()
    await botsJson(db, 'disable', String(alpha.id))
    await live.waitForOutput(/poll: 0 started, 1 stopped, 0 reloaded, 0 failed, 1 unchanged/, {after: from})
    assert.equal((await botRow(db, alpha.id)).status, 'stopped')
    const alphaLogs = await botsJson(db, 'logs', String(alpha.id))
    assert.deepEqual(alphaLogs.map((e: any) => e.kind), ['added', 'start', 'disabled', 'stop'])
    assert.equal(alphaLogs.at(-1).message, 'disabled')

    // A new spec for beta: validated by `update`, then restarted by the service, resuming its account.
    from = live.mark()
    const updated = await botsJson(db, 'update', String(beta.id), writeSpec(dir, {name: 'beta', ...slow, params: {fast: 4, slow: 20, quantity: 5}}))
    assert.equal(updated.changed, true)
    await live.waitForOutput(/poll: 0 started, 0 stopped, 1 reloaded, 0 failed, 0 unchanged/, {after: from})
    const betaLogs = (await logsOf(db, beta.id)).map((e) => e.kind)
    assert.deepEqual(betaLogs.slice(0, 6), ['added', 'start', 'updated', 'reload', 'stop', 'resume'])
    assert.equal((await statusOf(db, beta.id)).status, 'running')

    // An invalid spec is refused by `update` itself: nothing stored, the running version untouched.
    const bad = await runCli(['update', String(beta.id), writeSpec(dir, {name: 'beta', params: {fast: 40, slow: 20}}), '--db', db])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /beta\.yaml:\d+:\d+ error \/strategy\/params\/fast: fast \(40\) must be smaller than slow \(20\)/)
    assert.match(bad.stderr, /nothing was stored/)

    // Heartbeats keep coming (the second one printed from here on was written after this read),
    // and `list` reads the registry meanwhile.
    const hb = Date.parse((await statusOf(db, beta.id)).heartbeatAt!)
    from = live.mark()
    const beat = new RegExp(`heartbeat written for 1 running bot \\(${beta.id}\\)`)
    await live.waitForOutput(new RegExp(`${beat.source}[\\s\\S]*${beat.source}`), {after: from})
    assert.ok((await botRow(db, beta.id)).heartbeat > hb)
    const list = await botsJson(db, 'list', '--user-id', '1')
    assert.deepEqual(list.map((b: any) => [b.name, b.enabled, b.status]), [['alpha', false, 'stopped'], ['beta', true, 'running']])

    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
    assert.match(live.output(), /SIGTERM: stopping every bot/)
    assert.doesNotMatch(live.output(), /\n\s+at .*\.js:\d+/) // no stack traces
    const final = await botsJson(db, 'status', String(beta.id))
    assert.equal(final.status, 'stopped')
    assert.ok(final.equity > 0)
    const lastEvent = (await logsOf(db, beta.id)).at(-1)!
    assert.deepEqual([lastEvent.kind, lastEvent.message], ['stop', 'service stopped (SIGTERM)'])
  })

  it('refuses bad input with a located error and no stack trace', async () => {
    // Independent commands: run side by side.
    const [noUser, badPoll, unknown, invalid, mismatch, nobody] = await Promise.all([
      runCli(['live', '--db', db]),
      runCli(['live', '--user-id', '1', '--poll-interval', 'soon', '--db', db]),
      runCli(['status', '999', '--db', db]),
      runCli(['add', path.join('examples', 'invalid', 'unknown-key.yaml'), '--user-id', '1', '--db', db, '--json']),
      runCli(['add', writeSpec(dir, {name: 'whose', userId: 1}), '--user-id', '2', '--db', db]),
      runCli(['add', writeSpec(dir, {name: 'nobody'}), '--db', db]),
    ])
    assert.equal(noUser.code, 2)
    assert.match(noUser.stderr, /Exactly one of the following must be provided: --all-users, --user-id/)
    assert.equal(badPoll.code, 2)
    assert.match(badPoll.stderr, /positive number of seconds, got "soon"/)
    // Found by an audit: 0.0001 s was taken (0 ms), and the idle service used half a core polling.
    const tiny = await runCli(['live', '--user-id', '1', '--db', db, '--poll-interval', '0.0001'])
    assert.equal(tiny.code, 2)
    assert.match(tiny.stderr, /Parsing --poll-interval\n {2}expected at least 0\.1 s, got "0\.0001"/)
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /no bot with id 999\n {2}hint: `bots list`/)
    assert.equal(invalid.code, 1)
    const j = JSON.parse(invalid.stdout)
    assert.equal(j.error.code, 'spec.invalid')
    assert.equal(j.diagnostics[0].code, 'schema.unknown_key')
    assert.equal(j.diagnostics[0].line, 6)
    assert.equal(mismatch.code, 1)
    assert.match(mismatch.stderr, /whose\.yaml error \/user_id: the spec says user_id 1 but --user-id is 2\n {2}hint: make them agree/)
    assert.equal(nobody.code, 1)
    assert.match(nobody.stderr, /give --user-id N/)
    assert.equal((await botsJson(db, 'list')).length, 2)
  })
})
