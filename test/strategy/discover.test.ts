import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {discoverStrategies, strategyFolders, SHIPPED_STRATEGIES_DIR} from '../../src/strategy/discover.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const fixtures = (name: string) => `${ROOT}test/fixtures/strategies/${name}`

describe('strategy discovery', () => {
  it('loads .ts plugins (importing from bots) and plain .js plugins with no build step', async () => {
    const {registry, problems} = await discoverStrategies({extra: [fixtures('good')], cwd: tempDir()})
    assert.deepEqual(problems, [])
    assert.ok(registry.has('threshold'))
    assert.ok(registry.has('range-pair'))
    assert.equal(registry.get('threshold').source, path.join(fixtures('good'), 'threshold.ts'))
  })

  it('reports each broken plugin with its error and keeps loading the others', async () => {
    const {registry, problems} = await discoverStrategies({extra: [fixtures('broken'), fixtures('good')], cwd: tempDir()})
    assert.deepEqual(problems.map((p) => [path.basename(p.file), p.kind]), [
      ['not-a-strategy.js', 'load'],
      ['syntax-error.ts', 'load'],
      ['throws-on-load.js', 'load'],
    ])
    assert.match(problems[2].message, /boom at import time/)
    assert.ok(registry.has('threshold'))
  })

  it('treats two plugins with one name as an error, naming both files', async () => {
    const {problems} = await discoverStrategies({extra: [fixtures('good'), fixtures('duplicate')], cwd: tempDir()})
    assert.equal(problems.length, 1)
    assert.equal(problems[0].kind, 'duplicate')
    assert.match(problems[0].message, /good\/threshold\.ts and .*duplicate\/threshold\.js/)
  })

  it('an unknown name is an error with did-you-mean, never a fallback', async () => {
    const {registry} = await discoverStrategies({extra: [fixtures('good')], cwd: tempDir()})
    assert.throws(() => registry.get('treshold'), (e: unknown) => e instanceof BotsError && e.hint === 'did you mean `threshold`?')
  })

  it('validates params against the plugin schema, filling defaults, then runs check()', async () => {
    const {registry} = await discoverStrategies({extra: [fixtures('good')], cwd: tempDir()})
    assert.deepEqual(registry.validateParams('range-pair', {}), {params: {low: 5, high: 20}, problems: []})
    assert.deepEqual(registry.validateParams('range-pair', {low: 30}).problems, [{param: 'low', message: 'low (30) must be less than high (20)', hint: 'lower `low` or raise `high`'}])
    const typed = registry.validateParams('threshold', {level: 'high'})
    assert.deepEqual(typed.problems.map((p) => [p.param, p.ajv?.keyword]), [['level', 'type']])
  })

  it('finds folders from ./strategies, BOTS_STRATEGIES, bots.config.yaml and flags, each once', () => {
    const cwd = tempDir()
    for (const d of ['strategies', 'env-a', 'env-b', 'conf', 'flag']) mkdirSync(path.join(cwd, d))
    writeFileSync(path.join(cwd, 'bots.config.yaml'), 'strategies: [./conf, ./strategies]\n')
    const folders = strategyFolders({cwd, env: {BOTS_STRATEGIES: ['env-a', 'env-b'].join(path.delimiter)}, extra: ['flag', 'conf']})
    const rel = (f: string) => (f === SHIPPED_STRATEGIES_DIR ? 'shipped' : path.relative(cwd, f))
    assert.deepEqual(folders.map(rel), ['shipped', 'strategies', 'env-a', 'env-b', 'conf', 'flag'])
  })

  it('never loads code from outside the configured folders', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'evil.js'), "throw new Error('must not run')\n")
    const {problems} = await discoverStrategies({cwd})
    assert.ok(problems.every((p) => !p.file.endsWith('evil.js')))
  })
})
