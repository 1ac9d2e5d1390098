/**
 * Shared by the service tests: spec files, DB reads, and `bots live` as a child process whose
 * output a test awaits line by line (no polling, no sleeping: the timeouts are safety nets only).
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after} from 'node:test'
import {readDb} from '../../src/service/db.js'
import {botEvents, botStatus, botTrades} from '../../src/service/queries.js'
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

/** How long a wait on a child process may take before the test gives up (a safety net, not a timing). */
export const SAFETY_MS = Number(process.env.BOTS_TEST_SAFETY_MS ?? 180_000)

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

/** What `bots trades|logs|status ID --json` print, read in process (no CLI start-up per read). */
export const tradesOf = (db: string, id: number) => readDb({path: db}, (conn) => botTrades(conn, id))
export const logsOf = (db: string, id: number) => readDb({path: db}, (conn) => botEvents(conn, id))
export const statusOf = async (db: string, id: number) => (await readDb({path: db}, (conn) => botStatus(conn, id)))[0]

export interface LiveProcess {
  child: ChildProcess
  output(): string
  /** Where the output ends now: pass it as `after` to wait for a line printed from here on. */
  mark(): number
  /** Resolves with the first match of `re` in the output (after `after`), as soon as it is printed. */
  waitForOutput(re: RegExp, opts?: {after?: number; ms?: number}): Promise<string>
  /** Send a signal; resolves with the exit code (or signal). */
  signal(sig: NodeJS.Signals): Promise<{code: number | null; signal: NodeJS.Signals | null}>
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
}

/** `bots live …` as a child process, its stdout and stderr collected together. */
export function startLive(args: string[], env: Record<string, string> = {}): LiveProcess {
  const child = spawn(process.execPath, [BIN, 'live', ...args], {cwd: ROOT, env: {...process.env, NO_COLOR: '1', CI: 'true', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  const waiters = new Set<() => void>()
  const grew = (d: string) => {
    out += d
    for (const w of [...waiters]) w()
  }
  child.stdout!.setEncoding('utf8').on('data', grew)
  child.stderr!.setEncoding('utf8').on('data', grew)
  let closed = false // all output read, the process gone
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((r) =>
    child.on('close', (code, signal) => {
      closed = true
      for (const w of [...waiters]) w()
      r({code, signal})
    }),
  )
  // Never leave a service behind, whatever the test did.
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const waitForOutput = (re: RegExp, {after: from = 0, ms = SAFETY_MS} = {}) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out.slice(from))
        if (!m && !closed) return
        waiters.delete(check)
        clearTimeout(timer)
        if (m) resolve(m[0])
        else reject(new Error(`bots live exited before printing ${re}\n--- output ---\n${out}`))
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no ${re} in the output after ${ms / 1000} s (safety net)\n--- output ---\n${out}`))
      }, ms)
      waiters.add(check)
      check()
    })
  return {
    child,
    exited,
    output: () => out,
    mark: () => out.length,
    waitForOutput,
    async signal(sig) {
      child.kill(sig)
      return exited
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
