/**
 * Every WebSocket the twin holds, what each one subscribed to, and the one `send` path, which
 * counts messages (for `requests`) and applies the `dropWsEvery` fault: after a socket has been
 * sent N messages it is closed (code 1001), as a dropped connection would be; the client must
 * reconnect and recover what it missed through REST.
 */
import type {WebSocket} from 'ws'
import type {TwinCounters} from './counters.js'

interface Sub {
  /** Market streams (`btcusdt@kline_1m`). */
  streams: Set<string>
  /** `/stream?streams=` sockets wrap events as `{stream, data}`. */
  combined: boolean
  /** WebSocket API user-data subscription id, or a listen key's raw stream (null), or none. */
  user?: number | null
  sent: number
}

export class Hub {
  private readonly subs = new Map<WebSocket, Sub>()
  private pending: Promise<void>[] = []
  private subscriptionIds = 0
  private waiters: {stream: string; resolve: () => void}[] = []

  constructor(private readonly dropEvery: number, private readonly counters: TwinCounters) {}

  add(ws: WebSocket, combined = false): void {
    this.subs.set(ws, {streams: new Set(), combined, sent: 0})
    this.counters.wsConnections++
    ws.on('close', () => this.subs.delete(ws))
  }

  newSubscriptionId(): number {
    return this.subscriptionIds++
  }

  streams(ws: WebSocket): ReadonlySet<string> {
    return this.subs.get(ws)?.streams ?? new Set()
  }

  subscribe(ws: WebSocket, stream: string): void {
    this.subs.get(ws)?.streams.add(stream)
    this.wake()
  }

  unsubscribe(ws: WebSocket, stream: string): void {
    this.subs.get(ws)?.streams.delete(stream)
  }

  setUser(ws: WebSocket, id: number | null | undefined): void {
    const s = this.subs.get(ws)
    if (s) s.user = id
    this.wake()
  }

  /** Resolves once an open socket is subscribed to `stream` (`user`: to the account's events). */
  whenSubscribed(stream: string): Promise<void> {
    if (this.has(stream)) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({stream, resolve}))
  }

  private has(stream: string): boolean {
    for (const s of this.subs.values()) if (stream === 'user' ? s.user !== undefined : s.streams.has(stream)) return true
    return false
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => (this.has(w.stream) ? (w.resolve(), false) : true))
  }

  /** A market-stream event to every socket subscribed to `stream`. */
  publish(stream: string, data: unknown): void {
    for (const [ws, s] of this.subs) {
      if (s.streams.has(stream)) this.send(ws, s.combined ? {stream, data} : data)
    }
  }

  /** A user-data event to every socket subscribed to the account. */
  publishUser(event: unknown): void {
    for (const [ws, s] of this.subs) {
      if (s.user === undefined) continue
      this.send(ws, s.user === null ? event : {subscriptionId: s.user, event})
    }
  }

  send(ws: WebSocket, msg: unknown): void {
    const s = this.subs.get(ws)
    if (!s || ws.readyState !== ws.OPEN) return
    s.sent++
    this.counters.wsMessagesSent++
    this.pending.push(new Promise((resolve) => ws.send(JSON.stringify(msg), () => resolve())))
    if (this.dropEvery > 0 && s.sent >= this.dropEvery) {
      this.subs.delete(ws)
      this.counters.wsDropped++
      ws.close(1001, 'bots twin fault: dropWsEvery')
    }
  }

  /** Resolves when every message sent so far has been handed to the operating system. */
  async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending
      this.pending = []
      await Promise.all(batch)
    }
  }

  closeAll(): void {
    for (const ws of this.subs.keys()) ws.terminate()
    this.subs.clear()
  }
}
