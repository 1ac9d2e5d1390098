/** Webhook notifications against a loopback server, and the restart backoff schedule. */
import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {createNotifier} from '../../src/service/notifier.js'
import {restartDelay, DEFAULT_RESTART_POLICY} from '../../src/service/restart-policy.js'
import type {BotSpec} from '../../src/spec/bot-spec.js'

const bot = {id: 3, name: 'n', userId: 1}
const spec = (events = ['fill', 'crash', 'error']) => ({live: {notify: {webhookEnv: 'HOOK', events}}}) as unknown as BotSpec

describe('notifier', () => {
  const statuses: number[] = []
  const got: {path: string; body: any}[] = []
  let url = ''
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      got.push({path: req.url!, body: JSON.parse(data)})
      res.writeHead(statuses.shift() ?? 200).end()
    })
  })
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=secret`
  })
  after(() => server.close())

  it('posts JSON for the chosen events only, retrying server errors', async () => {
    got.length = 0
    statuses.push(500, 502)
    const {notifier, problem} = createNotifier(bot, spec(['fill']), {env: {HOOK: url}, backoffMs: 10})
    assert.equal(problem, undefined)
    notifier!.send('crash', {error: 'x'}) // not chosen
    notifier!.send('fill', {orderId: 1})
    await notifier!.idle()
    assert.equal(got.length, 3)
    assert.equal(got[2].path, '/hook?token=secret')
    assert.deepEqual({...got[2].body, at: undefined}, {event: 'fill', at: undefined, bot, orderId: 1})
  })

  it('gives up after its attempts, or at once on a client error, and says so without the URL', async () => {
    const failures: string[] = []
    got.length = 0
    statuses.push(500, 500, 500, 404)
    const {notifier} = createNotifier(bot, spec(), {env: {HOOK: url}, backoffMs: 5, onFailure: (k, r) => failures.push(`${k}: ${r}`)})
    notifier!.send('crash', {})
    await notifier!.idle()
    notifier!.send('error', {})
    await notifier!.idle()
    assert.equal(got.length, 4)
    assert.match(failures[0], /^crash: webhook to 127\.0\.0\.1:\d+ failed: HTTP 500$/)
    assert.match(failures[1], /^error: webhook to 127\.0\.0\.1:\d+ failed: HTTP 404$/)
    assert.ok(failures.every((f) => !f.includes('secret')))
  })

  it('no webhook configured: nothing, or a problem to report', () => {
    assert.deepEqual(createNotifier(bot, {live: {}} as unknown as BotSpec), {})
    assert.match(createNotifier(bot, spec(), {env: {}}).problem!, /webhook_env names HOOK, which is not set/)
    assert.match(createNotifier(bot, spec(), {env: {HOOK: 'not a url'}}).problem!, /HOOK does not hold a URL/)
    assert.match(createNotifier(bot, spec(), {env: {HOOK: 'file:///etc/passwd'}}).problem!, /must be an http\(s\) URL/)
  })
})

describe('restart policy', () => {
  it('doubles from the base up to the cap, then gives up', () => {
    const p = {...DEFAULT_RESTART_POLICY, baseMs: 1000, maxMs: 5000, maxRestarts: 5}
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => restartDelay(p, n)), [1000, 2000, 4000, 5000, 5000, undefined])
  })
})
