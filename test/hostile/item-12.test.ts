/**
 * Issue 16, item 12: a spec names only files inside its own folder tree, the working folder's tree,
 * or folders allowed by BOTS_ALLOW_PATHS: `../`, absolute paths and symlinks out of the tree are
 * refused with a located error, for data files, stores and strategy specs alike, in `validate`,
 * in `backtest`, and in the live service (a stored spec is checked again when it is run).
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {startLive} from '../service/helpers.js'

const ORCL = path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv')
const HEAD = 'name: x\nstrategy: {name: sma-cross}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\n'

describe('issue 16, item 12: paths in specs stay inside the spec\'s tree', () => {
  const root = tempDir('bots-item12-')
  const project = path.join(root, 'project')
  const outside = path.join(root, 'elsewhere')
  mkdirSync(project, {recursive: true})
  mkdirSync(outside, {recursive: true})
  writeFileSync(path.join(outside, 'secret.csv'), 'not yours\n')
  symlinkSync(path.join(outside, 'secret.csv'), path.join(project, 'link.csv'))
  // The project's own folder is the working folder; no folder is allowed beyond it.
  const env = {BOTS_ALLOW_PATHS: ''}
  const cli = (args: string[], more: Record<string, string> = {}) => runCli(args, {cwd: project, env: {...env, ...more}})

  const cases: [string, string, string][] = [
    ['a relative path out of the tree', 'data: {source: file, path: ../elsewhere/secret.csv}\n', '/data/path'],
    ['an absolute path', `data: {source: file, path: ${path.join(outside, 'secret.csv')}}\n`, '/data/path'],
    ['a symlink out of the tree', 'data: {source: file, path: link.csv}\n', '/data/path'],
    ['a store elsewhere', `data: {db: ${path.join(outside, 'made.duckdb')}}\n`, '/data/db'],
    ['a strategy spec elsewhere', '', '/strategy/path'],
  ]
  for (const [what, data, pointer] of cases) {
    it(`refuses ${what}: located error, exit 1`, async () => {
      const file = path.join(project, `${what.replaceAll(' ', '-')}.yaml`)
      const body = pointer === '/strategy/path' ? HEAD.replace('{name: sma-cross}', '{path: ../elsewhere/rules.yaml}') : HEAD + data
      writeFileSync(file, body)
      const r = await cli(['validate', file, '--format', 'json'])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      const diags = parseJson(r).files[0].diagnostics as {code: string; path: string; line: number; column: number; hint: string}[]
      const d = diags.find((x) => x.code === 'path.outside')
      assert.ok(d, JSON.stringify(diags))
      assert.equal(d.path, pointer)
      assert.ok(d.line > 0 && d.column > 0)
      assert.match(d.hint, /BOTS_ALLOW_PATHS/)
      // A backtest refuses it the same way, and nothing is read or created out there.
      const bt = await cli(['backtest', file, '--no-report', '--no-record', '--db', path.join(project, 's.duckdb')])
      assert.equal(bt.code, 1)
      assert.match(bt.stderr, /outside the spec's folder/)
      assert.doesNotMatch(bt.stderr, /\n\s+at /)
    })
  }

  it('accepts a file inside the tree, and one outside once its folder is allowed', async () => {
    mkdirSync(path.join(project, 'data'), {recursive: true})
    writeFileSync(path.join(project, 'data', 'orcl.csv'), readFileSync(ORCL))
    const inside = path.join(project, 'inside.yaml')
    writeFileSync(inside, HEAD + 'data: {source: file, path: data/orcl.csv}\n')
    assert.equal((await cli(['validate', inside])).code, 0)
    const far = path.join(project, 'far.yaml')
    writeFileSync(far, HEAD + `data: {source: file, path: ${ORCL}}\n`)
    assert.equal((await cli(['validate', far])).code, 1)
    const allowed = await cli(['validate', far], {BOTS_ALLOW_PATHS: path.dirname(ORCL)})
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr)
  })

  it('the live service checks a stored spec again: allowed when added, refused when run without the allowance', async () => {
    const db = path.join(project, 'live.duckdb')
    const spec = path.join(project, 'live.yaml')
    // Outside the spec's folder and outside the service's working folder (the repository).
    const far = path.join(outside, 'orcl.csv')
    writeFileSync(far, readFileSync(ORCL))
    writeFileSync(spec, HEAD.replace('name: x', 'name: far-live') + `data: {source: file, path: ${far}}\nlive: {feed: {type: replay, start: 2014-01-02, speed: 1000}}\n`)
    const added = await cli(['add', spec, '--user-id', '1', '--db', db, '--json'], {BOTS_ALLOW_PATHS: outside})
    assert.equal(added.code, 0, added.stderr)
    const live = startLive(['--user-id', '1', '--db', db], {...env})
    await live.waitForOutput(/not started: bot \d+ "far-live": [^\n]*outside the spec's folder/)
    assert.equal((await live.signal('SIGTERM')).code, 0)
  })
})
