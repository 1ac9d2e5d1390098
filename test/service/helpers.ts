/** Shared by the service tests: spec files, DB reads and bounded waits. */
import {spawn, type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after} from 'node:test'
import {readDb} from '../../src/service/db.js'
import {BIN, ROOT, parseJson, runCli} from '../helpers/cli.js'

export interface SpecOptions {
  name: string
  userId?: number
  strategy?: string
  params?: Record<string, unknown>
  symbols?: string[]
  timeframe?: string
  speed?: number
  /** live.feed.start (and backtest.start, so a backtest of the spec covers the same bars). */
  start?: string
  /** live.feed.stale_after, e.g. `1S`. */
  staleAfter?: string
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
    ...(o.start ? [`backtest: {start: ${o.start}}`] : []),
    `live:`,
    `  feed: {type: replay, speed: ${o.speed ?? 1000}${o.start ? `, start: ${o.start}` : ''}${o.staleAfter ? `, stale_after: ${o.staleAfter}` : ''}}`,
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

export interface LiveProcess {
  child: ChildProcess
  output(): string
  waitForOutput(re: RegExp, ms?: number): Promise<string>
  /** Send a signal; resolves with the exit code (or signal) and how long the exit took. */
  signal(sig: NodeJS.Signals): Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}>
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
}

/** `bots live …` as a child process, its stdout and stderr collected together. */
export function startLive(args: string[], env: Record<string, string> = {}): LiveProcess {
  const child = spawn(process.execPath, [BIN, 'live', ...args], {cwd: ROOT, env: {...process.env, NO_COLOR: '1', CI: 'true', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((r) => child.on('close', (code, signal) => r({code, signal})))
  // Never leave a service behind, whatever the test did.
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return {
    child,
    exited,
    output: () => out,
    waitForOutput: (re, ms = 20_000) => waitFor(`output ${re}`, () => re.exec(out)?.[0], ms).catch((e: Error) => {
      throw new Error(`${e.message}\n--- output ---\n${out}`)
    }),
    async signal(sig) {
      const t0 = Date.now()
      child.kill(sig)
      const r = await exited
      return {...r, ms: Date.now() - t0}
    },
  }
}

/** A management command against `db`, its --json parsed; fails the test on a non-zero exit. */
export async function botsJson(db: string, ...args: string[]): Promise<any> {
  const r = await runCli([...args, '--db', db, '--json'])
  if (r.code !== 0) throw new Error(`bots ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
  return parseJson(r)
}

export const ORCL_CSV = path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv')

/** A store at `db` holding the ORCL daily bars (as a user would import them). */
export async function storeWithOrcl(db: string): Promise<void> {
  const r = await runCli(['data', 'import', ORCL_CSV, '--symbol', 'ORCL', '--tz', 'America/New_York', '--db', db])
  if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`)
}
