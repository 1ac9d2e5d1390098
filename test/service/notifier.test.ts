/**
 * Webhook notifications against a loopback server (real HTTP), with the waits between tries and
 * each try's timeout on a simulated clock; and the restart backoff schedule.
 */
import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {createNotifier} from '../../src/service/notifier.js'
import {restartDelay, DEFAULT_RESTART_POLICY} from '../../src/service/restart-policy.js'
import type {BotSpec} from '../../src/model/bot-spec.js'

const bot = {id: 3, name: 'n', userId: 1}
const spec = (events = ['fill', 'crash', 'error']) => ({live: {notify: {webhookEnv: 'HOOK', events}}}) as unknown as BotSpec
const T0 = Date.UTC(2025, 0, 6, 12)

describe('notifier', () => {
  const statuses: (number | 'hang')[] = []
  const got: {path: string; body: any}[] = []
  /** Resolved at the next request the server receives. */
  let arrived: () => void = () => {}
  const nextRequest = () => new Promise<void>((r) => (arrived = r))
  const hanging: import('node:http').ServerResponse[] = []
  let url = ''
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      got.push({path: req.url!, body: JSON.parse(data)})
      const status = statuses.shift() ?? 200
      if (status === 'hang') hanging.push(res)
      else res.writeHead(status).end()
      arrived()
    })
  })
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=secret`
  })
  after(() => server.close())

  /** Resolves once the notifier waits to try again: a timer `ms` from now, and no try in flight (its timeout timer). */
  const retryIn = (clock: SimulatedClock, ms: number) => clock.untilTimers(() => clock.pendingTimers === 1 && clock.nextTimerTime() === clock.now() + ms)

  it('posts JSON for the chosen events only, retrying server errors after 0.5 s, then 1 s', async () => {
    got.length = 0
    statuses.push(500, 502)
    const clock = new SimulatedClock(T0)
    const {notifier, problem} = createNotifier(bot, spec(['fill']), {clock, env: {HOOK: url}})
    assert.equal(problem, undefined)
    notifier!.send('crash', {error: 'x'}) // not chosen
    notifier!.send('fill', {orderId: 1})
    await retryIn(clock, 500) // answered 500
    assert.equal(got.length, 1)
    clock.advanceBy(499)
    assert.equal(clock.pendingTimers, 1) // not yet
    clock.advanceBy(1)
    await retryIn(clock, 1_000) // 502: the wait doubles
    assert.equal(got.length, 2)
    clock.advanceBy(1_000)
    await notifier!.idle()
    assert.equal(got.length, 3)
    assert.equal(got[2].path, '/hook?token=secret')
    assert.deepEqual(got[2].body, {event: 'fill', at: new Date(T0).toISOString(), bot, orderId: 1})
    assert.equal(clock.pendingTimers, 0)
  })

  it('gives up after its attempts, or at once on a client error, and says so without the URL', async () => {
    const failures: string[] = []
    got.length = 0
    statuses.push(500, 500, 500, 404)
    const clock = new SimulatedClock(T0)
    const {notifier} = createNotifier(bot, spec(), {clock, env: {HOOK: url}, backoffMs: 5, onFailure: (k, r) => failures.push(`${k}: ${r}`)})
    notifier!.send('crash', {})
    await retryIn(clock, 5)
    clock.advanceBy(5)
    await retryIn(clock, 10)
    clock.advanceBy(10)
    await notifier!.idle()
    notifier!.send('error', {})
    await notifier!.idle()
    assert.equal(got.length, 4)
    assert.match(failures[0], /^crash: webhook to 127\.0\.0\.1:\d+ failed: HTTP 500$/)
    assert.match(failures[1], /^error: webhook to 127\.0\.0\.1:\d+ failed: HTTP 404$/)
    assert.ok(failures.every((f) => !f.includes('secret')))
  })

  it('a try without an answer is abandoned after its timeout (on the clock), then retried', async () => {
    const failures: string[] = []
    got.length = 0
    statuses.push('hang', 'hang')
    const clock = new SimulatedClock(T0)
    const {notifier} = createNotifier(bot, spec(), {clock, env: {HOOK: url}, attempts: 2, timeoutMs: 5_000, onFailure: (k, r) => failures.push(`${k}: ${r}`)})
    const first = nextRequest()
    notifier!.send('crash', {})
    await first // the server holds it: only the clock ends the try
    clock.advanceBy(4_999)
    assert.equal(failures.length, 0)
    clock.advanceBy(1) // timed out
    await retryIn(clock, 500)
    const second = nextRequest()
    clock.advanceBy(500)
    await second
    clock.advanceBy(5_000)
    await notifier!.idle()
    assert.equal(got.length, 2)
    assert.deepEqual(failures.map((f) => f.replace(/:\d+/, '')), ['crash: webhook to 127.0.0.1 failed: no answer within 5000 ms'])
    for (const res of hanging.splice(0)) res.destroy()
  })

  it('no webhook configured: nothing, or a problem to report', () => {
    const clock = new SimulatedClock(T0)
    assert.deepEqual(createNotifier(bot, {live: {}} as unknown as BotSpec, {clock}), {})
    assert.match(createNotifier(bot, spec(), {clock, env: {}}).problem!, /webhook_env names HOOK, which is not set/)
    assert.match(createNotifier(bot, spec(), {clock, env: {HOOK: 'not a url'}}).problem!, /HOOK does not hold a URL/)
    assert.match(createNotifier(bot, spec(), {clock, env: {HOOK: 'file:///etc/passwd'}}).problem!, /must be an http\(s\) URL/)
  })
})

describe('restart policy', () => {
  it('doubles from the base up to the cap, then gives up', () => {
    const p = {...DEFAULT_RESTART_POLICY, baseMs: 1000, maxMs: 5000, maxRestarts: 5}
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => restartDelay(p, n)), [1000, 2000, 4000, 5000, 5000, undefined])
  })
})
