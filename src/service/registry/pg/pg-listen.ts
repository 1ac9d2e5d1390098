/**
 * LISTEN on `bots_registry` over a connection of its own. PostgreSQL delivers a NOTIFY only to
 * connections listening at commit time and never replays it, so after every reconnect the caller
 * is told to resync (read everything again) before trusting notifications.
 */
import pg from 'pg'
import type {TimerClock, TimerHandle} from '../../../core/clock.js'
import {CHANNEL, type RegistryChange} from './pg-db.js'

export interface ListenOptions {
  url: string
  clock: TimerClock
  onChange: (change: RegistryChange) => void
  /** Connected again after a loss: notifications may have been missed. */
  onResync: () => void
  onLost?: (why: string) => void
}

export class RegistryListener {
  private client: pg.Client | undefined
  private timer: TimerHandle | undefined
  private closed = false
  private failures = 0

  constructor(private readonly o: ListenOptions) {}

  async start(): Promise<void> {
    await this.connect(false)
  }

  private async connect(again: boolean): Promise<void> {
    if (this.closed) return
    const client = new pg.Client({connectionString: this.o.url, application_name: 'bots-listen'})
    const lost = (why: string) => {
      if (this.client !== client || this.closed) return
      this.client = undefined
      client.removeAllListeners('notification')
      void client.end().catch(() => {})
      this.o.onLost?.(why)
      this.retry()
    }
    client.on('error', (e) => lost(e.message))
    client.on('end', () => lost('connection closed'))
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL) return
      try {
        this.o.onChange(JSON.parse(n.payload ?? '{}') as RegistryChange)
      } catch {
        this.o.onChange({what: 'updated'})
      }
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${CHANNEL}`)
    } catch (e) {
      client.removeAllListeners()
      client.on('error', () => {})
      await client.end().catch(() => {})
      if (!again) throw e
      this.o.onLost?.((e as Error).message)
      return this.retry()
    }
    if (this.closed) {
      await client.end().catch(() => {})
      return
    }
    this.client = client
    this.failures = 0
    if (again) this.o.onResync()
  }

  /** 0.5 s, doubling to 8 s, on the service's clock. */
  private retry(): void {
    if (this.closed || this.timer !== undefined) return
    const delay = Math.min(8_000, 500 * 2 ** this.failures++)
    this.timer = this.o.clock.setTimer(delay, () => {
      this.timer = undefined
      return this.connect(true)
    })
  }

  async close(): Promise<void> {
    this.closed = true
    this.o.clock.cancel(this.timer)
    const c = this.client
    this.client = undefined
    if (c) {
      c.removeAllListeners()
      c.on('error', () => {})
      await c.end().catch(() => {})
    }
  }
}
