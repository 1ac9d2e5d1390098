/**
 * A strategy a bot names by `strategy.path` is found in no strategy folder, so the hint of a bad
 * --param ("see `bots strategies show golden-cross`") failed with "unknown strategy" (found by an
 * audit). The hint now names the spec's path, and `bots strategies show` takes that path.
 */
import assert from 'node:assert/strict'
import {it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

it('the hint of a bad --param shows the strategy spec by its path, and that command works', async () => {
  const db = `${tempDir('bots-path-hint-')}/s.duckdb`
  const bad = await runCli(['backtest', 'examples/golden-cross.yaml', '--param', 'fast=abc', '--db', db, '--no-record'])
  assert.equal(bad.code, 1)
  const hint = /see `(bots strategies show [^`]+)`/.exec(bad.stderr)
  assert.ok(hint, bad.stderr)
  assert.equal(hint[1], 'bots strategies show examples/strategies/golden-cross.yaml')
  const shown = await runCli([...hint[1].split(' ').slice(1), '--json'])
  assert.equal(shown.code, 0, shown.stderr)
  const info = parseJson<{name: string; params: Array<{name: string}>}>(shown)
  assert.deepEqual([info.name, info.params.map((p) => p.name)], ['golden-cross', ['fast', 'slow', 'percent']])
  const missing = await runCli(['strategies', 'show', 'examples/strategies/nope.yaml'])
  assert.equal(missing.code, 1)
  // Says there is no such file and where paths start from (before: "… error does not exist", hint: "run `bots validate` on it").
  assert.match(missing.stderr, /^error no strategy spec at examples\/strategies\/nope\.yaml\n  hint: paths are relative to the working folder \(.+\); `bots strategies list` shows every strategy found/)
})
