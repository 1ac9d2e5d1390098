/**
 * Shared by the PostgreSQL registry tests: a throwaway server, bots added with `bots add`, and waits on a
 * condition of the registry that is checked again each time one of the `bots live` processes prints
 * something (no polling on a timer, no sleeping: the timeout is a safety net only).
 */
import {after, before} from 'node:test'
import {PgDb} from '../../src/service/registry/pg/pg-db.js'
import {PgRegistry} from '../../src/service/registry/pg/pg-registry.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {startPgCluster, type PgCluster} from '../helpers/pg-cluster.mjs'
import {SAFETY_MS, type LiveProcess} from '../service/helpers.js'

/** In-process tests on a simulated clock: when their clock starts, the lease TTL, a log that prints nothing. */
export const SIM_T0 = Date.UTC(2025, 0, 6, 12)
export const LEASE_TTL = 15_000
export const quietLog = {info: () => {}, warn: () => {}, error: () => {}}

/**
 * For in-process tests: a throwaway server, a PgDb on it and the registry over it. Call at the top
 * level of a describe, before its own hooks (they run after these, and may use the registry).
 */
export function pgInProcess(): {readonly cluster: PgCluster; readonly db: PgDb; readonly registry: PgRegistry} {
  let cluster: PgCluster | undefined
  let parts: {db: PgDb; registry: PgRegistry} | undefined
  before(async () => {
    cluster = await startPgCluster()
    const db = await PgDb.open(cluster.url)
    parts = {db, registry: new PgRegistry(db)}
  })
  after(async () => {
    await parts?.db.close()
    await cluster?.destroy()
  })
  const ready = () => {
    if (!cluster || !parts) throw new Error('the PostgreSQL cluster is not started yet')
    return {cluster, ...parts}
  }
  return {
    get cluster() {
      return ready().cluster
    },
    get db() {
      return ready().db
    },
    get registry() {
      return ready().registry
    },
  }
}

/**
 * A throwaway PostgreSQL server for this test file. Call at the top level of a describe (not in a
 * hook): the server is started by a `before` hook and destroyed by an `after` one.
 */
export function pgCluster(): {readonly cluster: PgCluster} {
  let cluster: PgCluster | undefined
  before(async () => {
    cluster = await startPgCluster()
  })
  after(() => cluster?.destroy())
  return {
    get cluster() {
      if (!cluster) throw new Error('the PostgreSQL cluster is not started yet')
      return cluster
    },
  }
}

/** `bots add SPEC --registry URL` for each spec (a few at a time); returns the bots added, in order. */
export async function addBots(url: string, db: string, specs: string[], userId: number): Promise<{id: number; name: string}[]> {
  const out: {id: number; name: string}[] = new Array(specs.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < specs.length; i = next++) {
      const r = await runCli(['add', specs[i], '--user-id', String(userId), '--registry', url, '--db', db, '--json'])
      if (r.code !== 0) throw new Error(`bots add ${specs[i]} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
      const bot = parseJson(r)
      out[i] = {id: Number(bot.id), name: bot.name}
    }
  }
  await Promise.all(Array.from({length: Math.min(6, specs.length)}, worker))
  return out
}

/**
 * Resolves with the first truthy value of `check()`, run now and again each time any of `procs`
 * prints something (one check at a time; output during a check asks for one more check after it).
 * Rejects after SAFETY_MS, with the last value checked and every process's output.
 */
export function whenever<T>(procs: LiveProcess[], check: () => Promise<T | undefined | false | null>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let running = false
    let again = false
    let done = false
    let last: unknown
    const listeners: [NodeJS.ReadableStream, () => void][] = []
    const finish = (f: () => void) => {
      if (done) return
      done = true
      clearTimeout(timer)
      for (const [s, l] of listeners) s.removeListener('data', l)
      f()
    }
    const run = async () => {
      if (done) return
      if (running) {
        again = true
        return
      }
      running = true
      try {
        do {
          again = false
          const v = await check()
          last = v
          if (v) return finish(() => resolve(v))
        } while (again && !done)
      } catch (e) {
        finish(() => reject(e))
      } finally {
        running = false
      }
    }
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`${what}: not reached after ${SAFETY_MS / 1000} s (safety net); last check: ${JSON.stringify(last)}\n${procs.map((p, i) => `--- process ${i} (pid ${p.child.pid}) ---\n${p.output()}`).join('\n')}`)))
    }, SAFETY_MS)
    for (const p of procs) {
      for (const s of [p.child.stdout!, p.child.stderr!]) {
        const l = () => void run()
        s.on('data', l)
        listeners.push([s, l])
      }
    }
    void run()
  })
}

/** How many times `re` (global) matches in `text`. */
export const count = (text: string, re: RegExp) => [...text.matchAll(re)].length
