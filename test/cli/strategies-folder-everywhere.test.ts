/**
 * Every command that takes `--strategies DIR` refuses a DIR that does not exist with the usage error
 * `bots validate` gives (exit 2, the same words), before any work: before a store is opened or
 * created, a service started or a strategy looked up. Before, add, update, check, live, parity and
 * `strategies list|show` skipped the folder (list reported it as a plugin that failed to load): the
 * strategies in it were then unknown, or a bot was stored and a service started without them.
 * A folder named in bots.config.yaml is not checked, as `bots validate` does not check one.
 */
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = path.join(ROOT, 'examples/orcl-sma-cross.yaml')
const LIVE_SPEC = path.join(ROOT, 'examples/live-replay.yaml')
const HINT = 'give --strategies a folder of strategy plugins (*.js, *.ts) or strategy specs, e.g. --strategies ./strategies'
// No store, registry or extra folder from the environment: the default store is .bots/bots.duckdb
// in the working folder, so an empty working folder shows that none was created.
const ENV = {BOTS_DB: undefined, BOTS_REGISTRY: undefined, BOTS_STRATEGIES: undefined}

// `live --all-users` on the DuckDB store fails by itself once the store is open (it needs a shared
// registry), so a live without the check ends instead of running until a signal.
const COMMANDS: Array<[string, string[]]> = [
  ['add', ['add', LIVE_SPEC, '--user-id', '1']],
  ['update', ['update', '1', LIVE_SPEC]],
  ['check', ['check', SPEC]],
  ['live', ['live', '--all-users']],
  ['parity', ['parity', '1']],
  ['strategies list', ['strategies', 'list']],
  ['strategies show', ['strategies', 'show', 'sma-cross']],
]

describe('--strategies DIR on every command that takes it', () => {
  const dir = tempDir('bots-strategies-everywhere-')
  /** A fresh, empty working folder. */
  const emptyCwd = () => mkdtempSync(path.join(dir, 'cwd-'))

  for (const [name, args] of COMMANDS) {
    it(`${name}: a folder that does not exist is the usage error validate gives (exit 2); nothing is written`, async () => {
      const cwd = emptyCwd()
      const [v, r] = await Promise.all([
        runCli(['validate', SPEC, '--strategies', 'missing-folder'], {cwd, env: ENV}),
        runCli([...args, '--strategies', 'missing-folder'], {cwd, env: ENV}),
      ])
      assert.equal(v.code, 2, v.stdout + v.stderr)
      assert.equal(v.stderr, `error: --strategies missing-folder: ${path.join(cwd, 'missing-folder')} does not exist\n  hint: ${HINT}\n`)
      assert.equal(r.code, 2, r.stdout + r.stderr)
      assert.equal(r.stderr, v.stderr)
      assert.equal(r.stdout, '')
      assert.deepEqual(readdirSync(cwd), [], 'nothing written in the working folder (no .bots/bots.duckdb)')
    })

    it(`${name}: --json, a usage error object on stdout; a missing folder after an existing one is found too`, async () => {
      const cwd = emptyCwd()
      mkdirSync(path.join(cwd, 'plugins'))
      const r = await runCli([...args, '--strategies', 'plugins', '--strategies', 'missing-folder', '--json'], {cwd, env: ENV})
      assert.equal(r.code, 2, r.stdout + r.stderr)
      const {error} = parseJson(r)
      assert.deepEqual([error.code, error.message, error.hint], ['usage', `--strategies missing-folder: ${path.join(cwd, 'missing-folder')} does not exist`, HINT])
      assert.deepEqual(readdirSync(cwd), ['plugins'])
    })
  }

  describe('an existing empty folder is taken: each command then does its own work', () => {
    const notAboutTheFolder = (r: {stderr: string; stdout: string}) => assert.doesNotMatch(r.stderr + r.stdout, /--strategies/)

    it('add, update and parity on one store', async () => {
      const cwd = emptyCwd()
      mkdirSync(path.join(cwd, 'plugins'))
      const opts = {cwd, env: ENV}
      const added = await runCli(['add', LIVE_SPEC, '--user-id', '1', '--strategies', 'plugins'], opts)
      assert.equal(added.code, 0, added.stderr)
      assert.equal(added.stdout, 'added bot 1 "orcl-live-replay" for user 1\n')
      const updated = await runCli(['update', '1', LIVE_SPEC, '--strategies', 'plugins'], opts)
      assert.equal(updated.code, 0, updated.stderr)
      assert.equal(updated.stdout, 'bot 1 "orcl-live-replay": spec unchanged\n')
      // The bot never ran: parity has nothing to compare, and says so.
      const parity = await runCli(['parity', '1', '--strategies', 'plugins'], opts)
      assert.equal(parity.code, 1, parity.stdout + parity.stderr)
      assert.match(parity.stderr, /has no recorded bars for its current spec yet/)
      notAboutTheFolder(parity)
    })

    it('live: gets as far as its own refusal of --all-users on the DuckDB store', async () => {
      const cwd = emptyCwd()
      mkdirSync(path.join(cwd, 'plugins'))
      const r = await runCli(['live', '--all-users', '--strategies', 'plugins'], {cwd, env: ENV})
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, /--all-users needs a registry shared by several processes/)
      notAboutTheFolder(r)
    })

    it('check: runs the look-ahead check', async () => {
      const cwd = emptyCwd()
      mkdirSync(path.join(cwd, 'plugins'))
      const r = await runCli(['check', SPEC, '--strategies', 'plugins'], {cwd, env: ENV})
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assert.match(r.stdout, /no decision changed/)
    })

    it('strategies list and show: the shipped strategies', async () => {
      const cwd = emptyCwd()
      mkdirSync(path.join(cwd, 'plugins'))
      const list = await runCli(['strategies', 'list', '--strategies', 'plugins', '--json'], {cwd, env: ENV})
      assert.equal(list.code, 0, list.stdout + list.stderr)
      const listed = parseJson(list)
      assert.ok(listed.strategies.some((s: {name: string}) => s.name === 'sma-cross'))
      assert.ok(listed.folders.includes(path.join(cwd, 'plugins') + path.sep))
      assert.deepEqual(listed.problems, [])
      const show = await runCli(['strategies', 'show', 'sma-cross', '--strategies', 'plugins', '--json'], {cwd, env: ENV})
      assert.equal(show.code, 0, show.stdout + show.stderr)
      assert.equal(parseJson(show).name, 'sma-cross')
    })
  })

  it('a missing folder named in bots.config.yaml is not refused, as validate does not refuse it', async () => {
    const cwd = emptyCwd()
    writeFileSync(path.join(cwd, 'bots.config.yaml'), 'strategies: [./gone]\n')
    const opts = {cwd, env: ENV}
    const v = await runCli(['validate', SPEC], opts)
    assert.equal(v.code, 0, v.stdout + v.stderr)
    // `strategies list` is where such a folder is told, as a folder it could not read (exit 1).
    const list = await runCli(['strategies', 'list'], opts)
    assert.equal(list.code, 1, list.stdout + list.stderr)
    assert.equal(list.stderr, `LOAD FAILED  ${path.join(cwd, 'gone')}${path.sep}: cannot read strategy folder (ENOENT)\n`)
    const added = await runCli(['add', LIVE_SPEC, '--user-id', '1'], opts)
    assert.equal(added.code, 0, added.stdout + added.stderr)
  })
})
