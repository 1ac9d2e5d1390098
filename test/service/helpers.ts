/** Shared by the service tests: spec files, DB reads and bounded waits. */
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {readDb} from '../../src/service/db.js'

export interface SpecOptions {
  name: string
  userId?: number
  strategy?: string
  params?: Record<string, unknown>
  symbols?: string[]
  timeframe?: string
  speed?: number
  extra?: string
}

/** A bot spec file in `dir`; returns its path. */
export function writeSpec(dir: string, o: SpecOptions): string {
  const file = path.join(dir, `${o.name}.yaml`)
  const lines = [
    `name: ${o.name}`,
    ...(o.userId === undefined ? [] : [`user_id: ${o.userId}`]),
    `strategy:`,
    `  name: ${o.strategy ?? 'sma-cross'}`,
    `  params: ${JSON.stringify(o.params ?? {fast: 5, slow: 20, quantity: 10})}`,
    `symbols: [${(o.symbols ?? ['ORCL']).join(', ')}]`,
    `timeframe: ${o.timeframe ?? '1D'}`,
    `market: NYSE`,
    `live:`,
    `  feed: {type: replay, speed: ${o.speed ?? 1000}}`,
    ...(o.extra ? [o.extra] : []),
  ]
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

/** Poll `fn` until it returns a truthy value or `ms` pass (then fail with `what`). */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, ms = 20_000, every = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v as NonNullable<T>
      last = v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`)
    await new Promise((r) => setTimeout(r, every))
  }
}

export async function query(db: string, sql: string, params: Record<string, any> = {}): Promise<Record<string, any>[]> {
  return readDb({path: db}, async (conn) => (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, any>[])
}

export async function botRow(db: string, id: number): Promise<Record<string, any>> {
  const rows = await query(db, `SELECT id::INTEGER AS id, user_id::INTEGER AS user_id, status, error, enabled, epoch_ms(heartbeat_at)::DOUBLE AS heartbeat, spec_hash FROM bots WHERE id = $id`, {id})
  return rows[0]
}

export async function events(db: string, id: number): Promise<{kind: string; message: string | null}[]> {
  return (await query(db, `SELECT kind, message FROM bot_events WHERE bot_id = $id ORDER BY id`, {id})).map((r) => ({kind: r.kind, message: r.message}))
}
