/**
 * Monitoring through the real binary: a strategy that throws is marked crashed, its onBotCrash
 * runs, it is restarted from its state and goes on trading; the other bots never notice. A bot
 * whose spec no longer validates is marked error at start and the rest run. Webhook
 * notifications reach a loopback server, with a retry after a failed delivery.
 *
 * A real process on the wall clock: the test waits for what it prints and for what the webhook
 * server receives, never for an amount of time (the timeouts are safety nets).
 */
import assert from 'node:assert/strict'
import {createServer, type IncomingMessage} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {tempDir} from '../helpers/tmp.js'
import {addBot} from '../../src/service/manage.js'
import {ORCL_CSV, botRow, events, startLive, statusOf, storeWithOrcl, tradesOf, writeSpec} from './helpers.js'
import {copyFileSync} from 'node:fs'

// Crashes once per process, at its `at`-th iteration: the restarted bot (same process) runs on.
const CRASH_ONCE = `import {defineStrategy} from 'bots'
let crashed = false
export default defineStrategy<{at: number}>({
  name: 'crash-once',
  description: 'Trades one unit every 10 bars; throws once, at iteration \`at\`.',
  params: {type: 'object', properties: {at: {type: 'integer', minimum: 1, default: 30, description: 'Iteration that throws.'}}, additionalProperties: false},
  create(p) {
    let n = 0
    return {
      onTradingIteration(ctx) {
        n++
        if (n % 10 === 0) ctx.position() === 0 ? ctx.buy(1) : ctx.sell(1)
        if (!crashed && n >= p.at) {
          crashed = true
          throw new Error('crash-once: boom')
        }
      },
      onBotCrash(ctx, error) {
        ctx.log.error('onBotCrash ran: ' + (error as Error).message)
      },
    }
  },
})
`

describe('bots live: crashes, invalid bots, notifications', () => {
  const dir = tempDir('bots-crash-')
  const db = path.join(dir, 'crash.duckdb')
  const strategies = path.join(dir, 'strategies')
  const received: {body: any; status: number}[] = []
  /** Resolves once what the server received satisfies `done`. */
  const waiters = new Set<() => void>()
  const receivedUntil = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => done() && (waiters.delete(check), resolve())
      waiters.add(check)
      check()
    })
  let port = 0
  const server = createServer((req: IncomingMessage, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      // The very first delivery fails: the notifier must retry it.
      const status = received.length === 0 ? 503 : 200
      received.push({body: JSON.parse(data), status})
      res.writeHead(status).end()
      for (const w of [...waiters]) w()
    })
  })
  before(async () => {
    mkdirSync(strategies)
    writeFileSync(path.join(strategies, 'crash-once.ts'), CRASH_ONCE)
    await storeWithOrcl(db)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  after(() => server.close())

  it('restarts a crashed bot from its state, keeps the others running, marks an invalid one error', async () => {
    const notify = '  notify: {webhook_env: BOTS_TEST_WEBHOOK, events: [start, fill, crash]}'
    // June to December 2014: 147 bars, a trade every 10 (how fast they go depends on the store writes).
    const crasher = await addBot(writeSpec(dir, {name: 'crasher', userId: 1, strategy: 'crash-once', params: {at: 30}, speed: 1000, start: '2014-06-02', extra: notify}), 1, {path: db, strategies: [strategies]})
    const bystander = await addBot(writeSpec(dir, {name: 'bystander', userId: 1, speed: 1000, start: '2014-06-02'}), 1, {path: db})
    // A file data source that disappears before the service starts: its spec no longer validates.
    const csv = path.join(dir, 'gone.csv')
    copyFileSync(ORCL_CSV, csv)
    const orphan = await addBot(writeSpec(dir, {name: 'orphan', userId: 1, extra: `data: {source: file, path: ${csv}}`}), 1, {path: db})
    rmSync(csv)

    const live = startLive(['--user-id', '1', '--db', db, '--poll-interval', '0.3', '--heartbeat-interval', '0.3', '--restart-delay', '0.1', '--strategies', strategies], {BOTS_TEST_WEBHOOK: `http://127.0.0.1:${port}/hook`})
    await live.waitForOutput(/user 1: 3 enabled bots found, 2 loaded, 2 started, 1 failed/)
    await live.waitForOutput(new RegExp(`not started: bot ${orphan.id} "orphan": .*gone\\.csv`))
    const orphanRow = await botRow(db, orphan.id)
    assert.equal(orphanRow.status, 'error')
    assert.match(orphanRow.error, /gone\.csv/)

    await live.waitForOutput(/"crasher": onBotCrash ran: crash-once: boom/)
    await live.waitForOutput(/"crasher": crashed: strategy "crash-once" crashed in onTradingIteration at .*: crash-once: boom; restart 1 of 5 in 100 ms/)
    await live.waitForOutput(/"crasher": restarted from its saved state/)
    await live.waitForOutput(/"crasher": the replay ended/)
    await live.waitForOutput(/"bystander": the replay ended/)
    // Every fill the crasher recorded has been announced (each once) before the service is stopped.
    const tradesBefore = (await tradesOf(db, crasher.id)).length
    await receivedUntil(() => received.filter((r) => r.status === 200 && r.body.event === 'fill').length >= tradesBefore && received.some((r) => r.body.event === 'crash'))
    assert.equal((await live.signal('SIGTERM')).code, 0, live.output())

    const kinds = (await events(db, crasher.id)).map((e) => e.kind)
    assert.deepEqual(kinds, ['added', 'start', 'crash', 'restart', 'feed-end', 'stop'])
    const crashEvent = (await events(db, crasher.id)).find((e) => e.kind === 'crash')!
    assert.match(crashEvent.message!, /crash-once: boom$/)
    assert.deepEqual((await events(db, bystander.id)).map((e) => e.kind), ['added', 'start', 'feed-end', 'stop'])
    // Trading went on after the restart: fills on both sides of the crash, none twice.
    const trades = await tradesOf(db, crasher.id)
    assert.ok(trades.length >= 10, `${trades.length} trades`)
    assert.equal(new Set(trades.map((t: any) => t.orderId)).size, trades.length)
    const status = await statusOf(db, crasher.id)
    assert.match(status.lastError!.message!, /crash-once: boom$/)

    // Notifications: start, fills and the crash, as JSON; the failed first delivery was retried.
    assert.equal(trades.length, tradesBefore)
    const delivered = received.filter((r) => r.status === 200).map((r) => r.body)
    assert.equal(received[0].status, 503)
    assert.ok(delivered.some((b) => JSON.stringify(b) === JSON.stringify(received[0].body)), 'the failed delivery was retried')
    assert.ok(delivered.every((b) => b.bot.id === crasher.id && b.bot.name === 'crasher'))
    assert.deepEqual([...new Set(delivered.map((b) => b.event))].sort(), ['crash', 'fill', 'start'])
    assert.match(delivered.find((b) => b.event === 'crash').error, /crash-once: boom$/)
    assert.equal(delivered.filter((b) => b.event === 'fill').length, trades.length)
  })
})
