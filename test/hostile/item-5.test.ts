/**
 * Issue 16, item 5: `bots validate` runs code. Plugins are imported in a worker with a time limit
 * (BOTS_PLUGIN_TIMEOUT, shortened here), so a plugin that calls process.exit, loops forever or
 * throws at import is a LOAD FAILED report and never the command's outcome; `--no-plugins` (or
 * `validate: {plugins: false}` in bots.config.yaml) runs no plugin code at all and reports plugin
 * strategies as unchecked. Through the real CLI; timeouts are safety nets, not timing assertions.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

// The limit is wall time and also bounds the good plugin's load and check() calls: at 1 s a busy
// CI machine once failed the good one (ok.yaml invalid). 5 s leaves it room; the looping plugin
// holds each hostile run that long.
const ENV = {BOTS_PLUGIN_TIMEOUT: '5', BOTS_STRATEGIES: undefined}

const GOOD = `import {writeFileSync} from 'node:fs'
writeFileSync(new URL('../marker.txt', import.meta.url), 'plugin code ran')
console.log('noise printed by a plugin')
export default {
  name: 'good',
  description: 'A good plugin (test).',
  params: {type: 'object', additionalProperties: false, properties: {low: {type: 'integer', default: 1}, high: {type: 'integer', default: 5}}},
  check: (p) => (p.low < p.high ? [] : [{param: 'low', message: 'low (' + p.low + ') must be below high (' + p.high + ')'}]),
  create: () => ({}),
}
`

/** A project folder: strategies/ with the hostile plugins (when asked) and the good one. */
function project(hostile: boolean): string {
  const dir = tempDir('bots-item5-')
  mkdirSync(path.join(dir, 'strategies'))
  const plugin = (name: string, text: string) => writeFileSync(path.join(dir, 'strategies', name), text)
  if (hostile) {
    plugin('exits.js', 'process.exit(0)\n')
    plugin('loops.js', 'for (;;) {}\n')
    plugin('throws.js', "throw new Error('boom at import')\n")
  }
  plugin('good.js', GOOD)
  return dir
}

function spec(dir: string, file: string, strategy: string, extra = ''): string {
  writeFileSync(path.join(dir, file), `name: t\nstrategy:\n  name: ${strategy}\n  params:\n    low: 2\nsymbols: [X]\ntimeframe: 1D\n${extra}`)
  return file
}

const loadFailed = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('LOAD FAILED')).map((l) => path.basename(l.split(': ')[0]))

describe('issue 16, item 5: plugins are code, and validate says so', () => {
  it('a plugin that exits, loops or throws at import is LOAD FAILED; an invalid spec still exits 1 with its located error', async () => {
    const dir = project(true)
    const bad = spec(dir, 'bad.yaml', 'good', 'backtest:\n  start: 2010-13-01\n  end: 2011-01-01\n')
    const r = await runCli(['validate', bad], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /bad\.yaml:9:10 error \/backtest\/start `2010-13-01` is not a valid date/)
    assert.deepEqual(loadFailed(r.stderr), ['exits.js', 'loops.js', 'throws.js'])
    assert.match(r.stderr, /exits\.js: ended the loading process with exit code 0 \(does it call process\.exit/)
    assert.match(r.stderr, /loops\.js: did not finish loading within 5 s/)
    assert.match(r.stderr, /throws\.js: boom at import/)
    assert.doesNotMatch(r.stdout + r.stderr, /noise printed by a plugin/)
  })

  it("the good plugin beside them is still checked, its check() included, and its prints stay out of the JSON", async () => {
    const dir = project(true)
    const ok = spec(dir, 'ok.yaml', 'good')
    writeFileSync(path.join(dir, 'crossed.yaml'), 'name: c\nstrategy:\n  name: good\n  params:\n    low: 9\nsymbols: [X]\ntimeframe: 1D\n')
    const typo = 'typo.yaml'
    writeFileSync(path.join(dir, typo), 'name: t\nstrategy:\n  name: good\n  params:\n    lo: 2\nsymbols: [X]\ntimeframe: 1D\n')
    const r = await runCli(['validate', ok, 'crossed.yaml', typo, '--json'], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(r.code, 1)
    const out = parseJson(r)
    assert.deepEqual(out.files.map((f: any) => [f.file, f.valid]), [['ok.yaml', true], ['crossed.yaml', false], ['typo.yaml', false]])
    assert.deepEqual(out.files[1].diagnostics.map((d: any) => [d.line, d.path, d.message]), [[5, '/strategy/params/low', 'low (9) must be below high (5)']])
    assert.equal(out.files[2].diagnostics[0].path, '/strategy/params/lo')
    assert.deepEqual(loadFailed(r.stderr), ['exits.js', 'loops.js', 'throws.js'])
  })

  it('--no-plugins runs no plugin code: a plugin strategy is an unchecked warning, exit 0', async () => {
    const dir = project(true)
    const ok = spec(dir, 'ok.yaml', 'good')
    const r = await runCli(['validate', ok, '--no-plugins', '--json'], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(r.stderr, '')
    assert.equal(existsSync(path.join(dir, 'marker.txt')), false, 'plugin code ran under --no-plugins')
    const [d, ...more] = parseJson(r).files[0].diagnostics
    assert.deepEqual(more, [])
    assert.deepEqual([d.severity, d.code, d.line, d.column, d.path], ['warning', 'strategy.unchecked', 3, 9, '/strategy/name'])
    assert.match(d.message, /strategy "good" is unchecked \(plugins not loaded, --no-plugins\)/)
    assert.match(d.hint, /strategies\/good\.js/)

    // --strict does not fail on what --no-plugins asked for; text output says it too.
    const strict = await runCli(['validate', ok, '--no-plugins', '--strict'], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(strict.code, 0, strict.stdout)
    assert.match(strict.stdout, /ok\.yaml:3:9 warning \/strategy\/name strategy "good" is unchecked/)
    assert.equal(existsSync(path.join(dir, 'marker.txt')), false)
  })

  it('--no-plugins still applies every built-in check, and checks the strategies shipped with bots', async () => {
    const dir = project(false)
    const bad = spec(dir, 'bad.yaml', 'good', 'backtest:\n  start: 2010-13-01\n  end: 2011-01-01\n')
    writeFileSync(path.join(dir, 'sma.yaml'), 'name: s\nstrategy:\n  name: sma-cross\n  params:\n    fast: 30\n    slow: 10\nsymbols: [X]\ntimeframe: 1D\n')
    const unknown = spec(dir, 'unknown.yaml', 'nosuch')
    const r = await runCli(['validate', bad, 'sma.yaml', unknown, '--no-plugins'], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(r.code, 1)
    assert.match(r.stdout, /bad\.yaml:9:10 error \/backtest\/start/)
    assert.match(r.stdout, /sma\.yaml:5:\d+ error \/strategy\/params\/fast/)
    // Not built in and no plugin file of that name: unchecked, and the hint says it may not exist.
    assert.match(r.stdout, /unknown\.yaml:3:9 warning \/strategy\/name strategy "nosuch" is unchecked[^\n]*\n {4}hint: it is not built in and no plugin file is named nosuch, so it may also be unknown/)
    assert.equal(existsSync(path.join(dir, 'marker.txt')), false)
  })

  it('`validate: {plugins: false}` in bots.config.yaml is --no-plugins; --plugins overrides it', async () => {
    const dir = project(false)
    writeFileSync(path.join(dir, 'bots.config.yaml'), 'validate:\n  plugins: false\n')
    const ok = spec(dir, 'ok.yaml', 'good')
    const off = await runCli(['validate', ok, '--json'], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(off.code, 0)
    assert.equal(parseJson(off).files[0].diagnostics[0]?.code, 'strategy.unchecked')
    assert.equal(existsSync(path.join(dir, 'marker.txt')), false)

    const on = await runCli(['validate', ok, '--json', '--plugins'], {cwd: dir, env: ENV, timeoutMs: 60_000})
    assert.equal(on.code, 0, on.stdout + on.stderr)
    assert.deepEqual(parseJson(on).files[0].diagnostics, [])
    assert.equal(existsSync(path.join(dir, 'marker.txt')), true, 'with --plugins the plugin is loaded (in its worker)')
  })
})
