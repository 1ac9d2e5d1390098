/**
 * bin/run.js run as a program (as `bots` is, through its `#!/bin/sh` line) asks glibc's malloc
 * for transparent huge pages and to keep what is freed and, for a backtest, V8 for a small young
 * generation, keeps the user's own GLIBC_TUNABLES and semi-space size, starts the commands that
 * open no connection without NODE_EXTRA_CA_CERTS (and puts it back for their children; the
 * management commands too, unless they go to a PostgreSQL registry), leaves the long-running
 * services alone, and runs the same CLI as `node bin/run.js`.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

interface Launched {
  tunables: string
  execArgv: string[]
  /** NODE_EXTRA_CA_CERTS as Node started (when it reads the file), and as the process's children would see it. */
  caAtStart: string
  caAtExit: string
  launcherVars: string[]
}

/** What the Node process of `bots args` saw: its environment and V8 flags (a preload writes them down, at start and exit). */
async function launched(args: string[], env: Record<string, string | undefined> = {}, nodeOptions = ''): Promise<Launched> {
  const dir = tempDir()
  const preload = path.join(dir, 'dump-env.cjs')
  const out = path.join(dir, 'launched.json')
  writeFileSync(
    preload,
    `const seen = {tunables: String(process.env.GLIBC_TUNABLES), execArgv: process.execArgv, caAtStart: String(process.env.NODE_EXTRA_CA_CERTS)}
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({...seen, caAtExit: String(process.env.NODE_EXTRA_CA_CERTS), launcherVars: Object.keys(process.env).filter((k) => k.startsWith('BOTS_LAUNCHER'))})))\n`,
  )
  const r = await runCli(args, {asProgram: true, env: {...env, NODE_OPTIONS: `${nodeOptions} --require ${preload}`.trim()}})
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(readFileSync(out, 'utf8'))
}

async function tunablesOf(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  return (await launched(args, env)).tunables
}

describe('bin/run.js as a program', () => {
  it('asks for huge pages and keeps freed memory, before the tunables the user set (glibc takes the last)', async () => {
    const ours = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456'
    assert.equal(await tunablesOf(['--version'], {GLIBC_TUNABLES: undefined}), ours)
    assert.equal(await tunablesOf(['--version'], {GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0'}), `${ours}:glibc.malloc.trim_threshold=0`)
  })

  it('caps the young generation for backtest only, unless NODE_OPTIONS sets its size', async () => {
    assert.deepEqual((await launched(['backtest', '--help'])).execArgv, ['--max-semi-space-size=4'])
    assert.deepEqual((await launched(['backtest', '--help'], {}, '--max-semi-space-size=32')).execArgv, [])
    assert.deepEqual((await launched(['--version'])).execArgv, [])
    assert.deepEqual((await launched(['validate', '--help'])).execArgv, [])
  })

  it('starts the commands that open no connection without NODE_EXTRA_CA_CERTS, and puts it back for their children', async () => {
    const ca = path.join(tempDir(), 'extra ca "certs".pem') // a space and quotes survive the shell line
    writeFileSync(ca, '')
    for (const args of [['validate', '--help'], ['backtest', '--help'], ['data', 'list', '--help'], ['--version']]) {
      const seen = await launched(args, {NODE_EXTRA_CA_CERTS: ca})
      assert.equal(seen.caAtStart, 'undefined', args.join(' '))
      assert.equal(seen.caAtExit, ca, args.join(' '))
      assert.deepEqual(seen.launcherVars, [], args.join(' '))
    }
    for (const args of [['live', '--help'], ['twin', '--help'], ['parity', '--help']]) {
      const seen = await launched(args, {NODE_EXTRA_CA_CERTS: ca})
      assert.equal(seen.caAtStart, ca, args.join(' '))
      assert.equal(seen.caAtExit, ca, args.join(' '))
    }
    // The management commands speak TLS only to a PostgreSQL registry.
    for (const [args, env, keeps] of [
      [['status', '--help'], {BOTS_REGISTRY: undefined}, false],
      [['list', '--db', 'a:b.duckdb', '--help'], {BOTS_REGISTRY: ''}, false],
      [['add', '--help', '--registry', 'postgres://u@h/db'], {BOTS_REGISTRY: undefined}, true],
      [['status', '--registry=postgres://u@h/db', '--help'], {BOTS_REGISTRY: undefined}, true],
      [['list', '--help'], {BOTS_REGISTRY: 'postgres://u@h/db'}, true],
    ] as const) {
      const seen = await launched([...args], {...env, NODE_EXTRA_CA_CERTS: ca})
      assert.equal(seen.caAtStart, keeps ? ca : 'undefined', args.join(' '))
      assert.equal(seen.caAtExit, ca, args.join(' '))
    }
    const unset = await launched(['validate', '--help'], {NODE_EXTRA_CA_CERTS: undefined})
    assert.equal(unset.caAtStart, 'undefined')
    assert.equal(unset.caAtExit, 'undefined')
  })

  it('leaves the long-running services as the user started them', async () => {
    assert.equal(await tunablesOf(['live', '--help'], {GLIBC_TUNABLES: undefined}), 'undefined')
    assert.equal(await tunablesOf(['twin', '--help'], {GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'}), 'glibc.malloc.arena_max=2')
    assert.deepEqual((await launched(['live', '--help'])).execArgv, [])
    assert.deepEqual((await launched(['twin', '--help'])).execArgv, [])
  })

  it('runs the same backtest as `node bin/run.js`, arguments and exit code passed through', async () => {
    const args = ['backtest', 'examples/orcl-sma-cross.yaml', '--no-record', '--json', '--param', 'fast=12']
    const [program, node] = await Promise.all([runCli(args, {asProgram: true}), runCli(args)])
    assert.equal(program.code, 0, program.stderr)
    assert.equal(node.code, 0, node.stderr)
    const a = parseJson(program)
    const b = parseJson(node)
    assert.deepEqual(a.metrics, b.metrics)
    assert.equal(a.trades.length, b.trades.length)
    assert.ok(a.trades.length > 0)
    const bad = await runCli(['backtest', 'no-such-spec.yaml'], {asProgram: true})
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /no-such-spec\.yaml/)
  })
})
