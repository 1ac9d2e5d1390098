/**
 * The commands that only read the store, in a folder with no store yet and no --db: an error
 * saying nothing was recorded / imported / added yet and which command creates the store, exit 1
 * (as with a --db that names no file: read-missing-store.test.ts), and no `.bots/bots.duckdb`
 * left behind. Before, each of them created a 1.3 MB empty store in the working folder.
 * The writing commands (`data import`, `backtest`, `add`) still create the default store.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, realpathSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {ORCL} from '../data/helpers.js'

const NO_ENV = {BOTS_DB: undefined, BOTS_REGISTRY: undefined}
const DEFAULT = path.join('.bots', 'bots.duckdb')
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Each reader, what it says is not there yet, and the command its hint names. */
const READERS: [string[], string, string][] = [
  [['runs', 'list'], 'no runs recorded yet', '`bots backtest SPEC`'],
  [['runs', 'show', '1'], 'no runs recorded yet', '`bots backtest SPEC`'],
  [['runs', 'compare', '1', '2'], 'no runs recorded yet', '`bots backtest SPEC`'],
  [['data', 'list'], 'no data imported yet', '`bots data import FILE --symbol S`'],
  [['data', 'show', 'ORCL'], 'no data imported yet', '`bots data import FILE --symbol S`'],
  [['list'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  [['status'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  [['trades', '1'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  [['logs', '1'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  // Nothing to remove, resample or compare in a store that does not exist: they created one too.
  [['data', 'remove', 'ORCL'], 'no data imported yet', '`bots data import FILE --symbol S`'],
  [['data', 'resample', 'ORCL', '--from', '1D', '--to', '1W'], 'no data imported yet', '`bots data import FILE --symbol S`'],
  [['parity', '1'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  // Nor is there a bot to enable, disable, remove or update (an audit found each made the store).
  [['enable', '1'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  [['disable', '1'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  [['remove', '1'], 'no bots added yet', '`bots add SPEC --user-id N`'],
  [['update', '1', path.join(ROOT, 'examples', 'live-replay.yaml')], 'no bots added yet', '`bots add SPEC --user-id N`'],
]

/** A fresh, empty working folder (its real path: what the CLI sees as its working folder). */
function emptyFolder(): string {
  return realpathSync(tempDir('bots-default-store-'))
}

describe('reading commands in a folder with no store (no --db, no BOTS_DB)', () => {
  for (const [args, nothing, creator] of READERS) {
    it(`bots ${args.join(' ')}: "${nothing}", the command that creates the store, exit 1, nothing created`, async () => {
      const cwd = emptyFolder()
      const r = await runCli(args, {cwd, env: NO_ENV})
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, new RegExp(`error ${escape(nothing)}: this folder has no store \\(${escape(DEFAULT)}\\)\\n {2}hint: ${escape(creator)} [^\\n]*creates the store[^\\n]*; this command never creates one`))
      assert.doesNotMatch(r.stderr, /\n\s+at /) // no stack trace
      assert.equal(r.stdout, '')
      assert.equal(existsSync(path.join(cwd, '.bots')), false, 'no .bots folder (nor store) is made')
    })

    it(`bots ${args.join(' ')} --json: the error object (store.missing), exit 1, nothing created`, async () => {
      const cwd = emptyFolder()
      const r = await runCli([...args, '--json'], {cwd, env: NO_ENV})
      assert.equal(r.code, 1, r.stdout + r.stderr)
      const {error} = parseJson(r)
      assert.deepEqual([error.code, error.message, error.file], ['store.missing', `${nothing}: this folder has no store (${DEFAULT})`, path.join(cwd, DEFAULT)])
      assert.ok(error.hint.startsWith(creator), error.hint)
      assert.equal(existsSync(path.join(cwd, '.bots')), false)
    })
  }

  it('BOTS_DB naming no file: the same error, naming BOTS_DB, and nothing created there', async () => {
    const cwd = emptyFolder()
    const envDb = path.join(cwd, 'elsewhere', 'env.duckdb')
    for (const args of [['runs', 'list'], ['list']]) {
      const r = await runCli(args, {cwd, env: {...NO_ENV, BOTS_DB: envDb}})
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, new RegExp(`error no (runs recorded|bots added) yet: there is no store at ${escape(path.join('elsewhere', 'env.duckdb'))} \\(BOTS_DB\\)`))
      assert.match(r.stderr, /Check BOTS_DB/)
    }
    assert.equal(existsSync(path.join(cwd, 'elsewhere')), false)
    assert.equal(existsSync(path.join(cwd, '.bots')), false)
  })

  it('bots list|status|trades|logs with a --db that names no file: "no store at PATH" as the runs and data readers say it', async () => {
    const cwd = emptyFolder()
    const typo = path.join(cwd, 'no-such-folder', 'typo.duckdb')
    for (const args of [['list'], ['status'], ['trades', '1'], ['logs', '1']]) {
      const r = await runCli([...args, '--db', typo], {cwd, env: NO_ENV})
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, new RegExp(`error no store at ${escape(path.join('no-such-folder', 'typo.duckdb'))}\\n {2}hint: check the path given with --db; without --db the store is ${escape(DEFAULT)} \\(the default, not created yet\\)`))
      const j = await runCli([...args, '--db', typo, '--json'], {cwd, env: NO_ENV})
      assert.equal(j.code, 1)
      assert.deepEqual([parseJson(j).error.code, parseJson(j).error.file], ['store.missing', typo])
    }
    assert.equal(existsSync(path.dirname(typo)), false)
    assert.equal(existsSync(path.join(cwd, '.bots')), false)
  })

  it('the writing commands still create the default store, and the readers then read it', async () => {
    const imported = emptyFolder()
    const i = await runCli(['data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York'], {cwd: imported, env: NO_ENV})
    assert.equal(i.code, 0, i.stderr)
    assert.ok(existsSync(path.join(imported, DEFAULT)))
    const data = await runCli(['data', 'list', '--json'], {cwd: imported, env: NO_ENV})
    assert.equal(data.code, 0, data.stderr)
    assert.deepEqual(parseJson(data).map((s: {symbol: string}) => s.symbol), ['ORCL'])
    // A store holding data but no runs yet: an empty listing, as before.
    const none = await runCli(['runs', 'list', '--json'], {cwd: imported, env: NO_ENV})
    assert.equal(none.code, 0, none.stderr)
    assert.deepEqual(parseJson(none).runs, [])

    const ran = emptyFolder()
    const b = await runCli(['backtest', path.join(ROOT, 'examples', 'orcl-sma-cross.yaml'), '--no-report'], {cwd: ran, env: NO_ENV})
    assert.equal(b.code, 0, b.stderr)
    assert.ok(existsSync(path.join(ran, DEFAULT)))
    const runs = await runCli(['runs', 'list', '--json'], {cwd: ran, env: NO_ENV})
    assert.equal(runs.code, 0, runs.stderr)
    assert.equal(parseJson(runs).runs.length, 1)

    const added = emptyFolder()
    mkdirSync(path.join(added, 'specs'))
    const spec = path.join(added, 'specs', 'alpha.yaml')
    writeFileSync(spec, ['name: alpha', 'strategy:', '  name: sma-cross', '  params: {fast: 5, slow: 20, quantity: 10}', 'symbols: [ORCL]', 'timeframe: 1D', 'market: NYSE', 'live:', '  feed: {type: replay, speed: 1000}', ''].join('\n'))
    const a = await runCli(['add', spec, '--user-id', '1'], {cwd: added, env: NO_ENV})
    assert.equal(a.code, 0, a.stderr)
    assert.ok(existsSync(path.join(added, DEFAULT)))
    const bots = await runCli(['list', '--json'], {cwd: added, env: NO_ENV})
    assert.equal(bots.code, 0, bots.stderr)
    assert.deepEqual(parseJson(bots).map((x: {name: string}) => x.name), ['alpha'])
    const status = await runCli(['status', '1', '--json'], {cwd: added, env: NO_ENV})
    assert.equal(status.code, 0, status.stderr)
  })
})
