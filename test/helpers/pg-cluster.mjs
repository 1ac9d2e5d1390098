// A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, start on a free
// loopback port, trust authentication (nothing listens beyond 127.0.0.1), durability off for speed.
// Plain ESM JavaScript so benchmarks and scripts can use it without tsx; the types are in pg-cluster.d.mts.
import {execFile, spawnSync} from 'node:child_process'
import {appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

const USER = 'bots'
const DATABASE = 'bots'

// initdb and postgres refuse to run as root: as root they run as the postgres system user instead.
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** The folder with initdb and pg_ctl: the newest Debian version folder, else PATH. */
function findBinaries() {
  const base = '/usr/lib/postgresql'
  let versions = []
  try {
    versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
  } catch {
    // No Debian layout: try PATH below.
  }
  if (versions.length > 0) {
    // Numeric, not lexical: 9.6 < 10 < 15.
    versions.sort((a, b) => compareVersions(b, a))
    const bin = path.join(base, versions[0], 'bin')
    return {initdb: path.join(bin, 'initdb'), pgCtl: path.join(bin, 'pg_ctl')}
  }
  const initdb = onPath('initdb')
  const pgCtl = onPath('pg_ctl')
  if (initdb && pgCtl) return {initdb, pgCtl}
  throw new Error(
    'PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb and no initdb and pg_ctl on PATH. ' +
      ".ci/run installs Debian's postgresql package (apt-get install postgresql) when run as root.",
  )
}

export const PG_INSTALL_HINT = "apt-get install -y postgresql (Debian; .ci/run does it), or put initdb and pg_ctl on PATH"

/**
 * Whether tests can start a PostgreSQL of their own here. Without it the PostgreSQL tests are
 * skipped on a developer's machine and fail in CI (CI=true), as the Chromium tests do.
 */
export function pgSkip() {
  try {
    findBinaries()
    return false
  } catch {
    const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
    return ci ? false : `no PostgreSQL (${PG_INSTALL_HINT})`
  }
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0)
    if (d !== 0) return d
  }
  return 0
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const file = path.join(dir, name)
    try {
      if (statSync(file).isFile()) return file
    } catch {
      // Not in this folder.
    }
  }
  return undefined
}

/** The command and arguments, wrapped in runuser when root. */
function command(file, args) {
  return asRoot ? {file: 'runuser', args: ['-u', 'postgres', '--', file, ...args]} : {file, args}
}

// The children run from the temporary folder: as the postgres user, the caller's folder (e.g. /root) may be
// unreadable, which makes initdb and pg_ctl warn or fail.
const childCwd = os.tmpdir()

/** Runs a binary (argument array, no shell); rejects with its output on failure. */
function run(file, args, log) {
  const c = command(file, args)
  log?.(`$ ${[c.file, ...c.args].join(' ')}`)
  return new Promise((resolve, reject) => {
    execFile(c.file, c.args, {cwd: childCwd, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      if (log) {
        for (const line of `${stdout}${stderr}`.split('\n')) if (line.trim()) log(line)
      }
      if (error) {
        const output = `${stdout}${stderr}`.trim()
        reject(new Error(`${path.basename(file)} failed (${error.code ?? error.signal}): ${output}`))
      } else {
        resolve({stdout, stderr})
      }
    })
  })
}

function runSync(file, args) {
  const c = command(file, args)
  return spawnSync(c.file, c.args, {cwd: childCwd, stdio: 'ignore', timeout: 30_000})
}

/** A free TCP port on 127.0.0.1 (free now: another process may still take it before the server does). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no server log)'
  }
}

function quote(value) {
  return `'${String(value).replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}

// Best-effort cleanup when the process exits with clusters still alive (a failed or aborted test run):
// 'exit' handlers must be synchronous, hence spawnSync and an immediate (no checkpoint) shutdown.
const live = new Set()
let exitHookInstalled = false
function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const cluster of live) cluster._destroySync()
  })
}

/**
 * Creates and starts a throwaway cluster with database and user `bots`.
 * @param {{maxConnections?: number, log?: (line: string) => void}} [opts]
 */
export async function startPgCluster(opts = {}) {
  const {initdb, pgCtl} = findBinaries()
  const log = opts.log
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bots-pg-'))
  const serverLog = path.join(dir, 'server.log')
  let running = false
  let destroyed = false
  let port = 0

  const cluster = {
    get url() {
      return `postgres://${USER}@127.0.0.1:${port}/${DATABASE}`
    },
    get port() {
      return port
    },
    dir,
    async start() {
      if (destroyed) throw new Error(`the PostgreSQL cluster in ${dir} was destroyed`)
      if (running) return
      try {
        await run(pgCtl, ['-D', dir, '-l', serverLog, '-w', '-t', '60', 'start'], log)
      } catch (error) {
        throw new Error(`PostgreSQL did not start on port ${port}: ${error.message}\n--- ${serverLog} (tail) ---\n${tail(serverLog)}`)
      }
      running = true
    },
    async stop() {
      if (!running) return
      await run(pgCtl, ['-D', dir, '-m', 'fast', '-w', 'stop'], log)
      running = false
    },
    async destroy() {
      if (destroyed) return
      destroyed = true
      live.delete(cluster)
      try {
        await cluster.stop()
      } catch (error) {
        log?.(`fast stop failed, stopping immediately: ${error.message}`)
        runSync(pgCtl, ['-D', dir, '-m', 'immediate', '-w', 'stop'])
      }
      running = false
      rmSync(dir, {recursive: true, force: true})
    },
    async sql(text, params) {
      const client = new pg.Client({connectionString: cluster.url})
      await client.connect()
      try {
        const result = await client.query(text, params)
        return result.rows
      } finally {
        await client.end()
      }
    },
    _destroySync() {
      if (destroyed) return
      destroyed = true
      live.delete(cluster)
      if (existsSync(path.join(dir, 'postmaster.pid'))) runSync(pgCtl, ['-D', dir, '-m', 'immediate', '-w', 'stop'])
      rmSync(dir, {recursive: true, force: true})
    },
  }
  // Not enumerable: internal to the exit hook.
  Object.defineProperty(cluster, '_destroySync', {enumerable: false})

  installExitHook()
  live.add(cluster)
  try {
    if (asRoot) {
      const chown = spawnSync('chown', ['-R', 'postgres:postgres', dir], {encoding: 'utf8'})
      if (chown.status !== 0) throw new Error(`chown of ${dir} to postgres failed: ${chown.stderr || chown.error}`)
    }
    // --locale=C: the same collation whatever the machine's locale (and no failure on an uninstalled one).
    await run(initdb, ['-D', dir, '-U', USER, '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C'], log)
    const baseConf = [
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ${quote(dir)}`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      `max_connections = ${opts.maxConnections ?? 300}`,
      'shared_buffers = 32MB',
    ]
    // The port is free when picked but another process may take it first (parallel test files):
    // try a new port a few times. Later lines in postgresql.conf override earlier ones.
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      appendFileSync(path.join(dir, 'postgresql.conf'), `\n# bots test cluster (attempt ${attempt})\n${[...baseConf, `port = ${port}`].join('\n')}\n`)
      try {
        await cluster.start()
        break
      } catch (error) {
        if (attempt >= 3 || !/could not (bind|create listen)|address already in use/i.test(tail(serverLog))) throw error
        log?.(`port ${port} was taken, retrying`)
      }
    }
    await createDatabase(port)
    return cluster
  } catch (error) {
    await cluster.destroy().catch(() => {})
    throw error
  }
}

async function createDatabase(port) {
  const client = new pg.Client({host: '127.0.0.1', port, user: USER, database: 'postgres'})
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${DATABASE}`)
  } finally {
    await client.end()
  }
}
