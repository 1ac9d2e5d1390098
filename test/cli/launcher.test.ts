/**
 * bin/run.js run as a program (as `bots` is, through its `#!/bin/sh` line) asks glibc's malloc
 * for transparent huge pages, keeps the user's own GLIBC_TUNABLES, leaves the long-running
 * services alone, and runs the same CLI as `node bin/run.js`.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

/** What GLIBC_TUNABLES the Node process of `bots args` saw (a preload writes it down). */
async function tunablesOf(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const dir = tempDir()
  const preload = path.join(dir, 'dump-env.cjs')
  const out = path.join(dir, 'tunables.txt')
  writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(out)}, String(process.env.GLIBC_TUNABLES))\n`)
  const r = await runCli(args, {asProgram: true, env: {...env, NODE_OPTIONS: `--require ${preload}`}})
  assert.equal(r.code, 0, r.stderr)
  return readFileSync(out, 'utf8')
}

describe('bin/run.js as a program', () => {
  it('asks for huge pages, after the tunables the user set', async () => {
    assert.equal(await tunablesOf(['--version'], {GLIBC_TUNABLES: undefined}), 'glibc.malloc.hugetlb=1')
    assert.equal(await tunablesOf(['--version'], {GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'}), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1')
  })

  it('leaves the long-running services as the user started them', async () => {
    assert.equal(await tunablesOf(['live', '--help'], {GLIBC_TUNABLES: undefined}), 'undefined')
    assert.equal(await tunablesOf(['twin', '--help'], {GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'}), 'glibc.malloc.arena_max=2')
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
