import assert from 'node:assert/strict'
import {writeFileSync, mkdirSync, copyFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const invalid = (name: string) => `examples/invalid/${name}`

// Each class of error: the exact place the user must look, and its stable code.
const CASES: Array<[file: string, line: number, column: number, code: string, path?: string]> = [
  ['yaml-syntax.yaml', 4, 10, 'yaml.syntax'],
  ['duplicate-key.yaml', 6, 1, 'yaml.duplicate_key'],
  ['alias-bomb.yaml', 1, 1, 'yaml.alias_bomb'],
  ['not-a-mapping.yaml', 1, 1, 'yaml.not_mapping'],
  ['multiple-documents.yaml', 5, 1, 'yaml.multiple_documents'],
  ['empty.yaml', 1, 1, 'yaml.empty'],
  ['invalid-utf8.yaml', 1, 10, 'file.encoding'],
  ['missing-required.yaml', 1, 1, 'schema.required', '/timeframe'],
  ['unknown-key.yaml', 6, 1, 'schema.unknown_key', '/brokr'],
  ['wrong-type.yaml', 4, 10, 'schema.type', '/symbols'],
  ['bad-enum.yaml', 6, 9, 'schema.enum', '/market'],
  ['bad-timeframe.yaml', 5, 12, 'schema.pattern', '/timeframe'],
  ['unknown-strategy.yaml', 3, 9, 'strategy.unknown', '/strategy/name'],
  ['params-rule.yaml', 5, 11, 'strategy.params', '/strategy/params/fast'],
  ['params-type.yaml', 5, 11, 'schema.type', '/strategy/params/fast'],
  ['dates-order.yaml', 8, 8, 'backtest.window', '/backtest/end'],
  ['date-invalid.yaml', 7, 10, 'date.invalid', '/backtest/start'],
  ['data-file-missing.yaml', 8, 9, 'file.missing', '/data/path'],
  ['bad-timezone.yaml', 7, 13, 'timezone.unknown', '/market/timezone'],
]

describe('bots validate (real CLI)', () => {
  // One process validates the whole folder (each file is checked on its own, as when it is
  // named alone); the cases below read their file's diagnostics from it.
  let folder: {code: number | null; out: any}
  before(async () => {
    const r = await runCli(['validate', 'examples/invalid', '--json'])
    folder = {code: r.code, out: parseJson(r)}
  })
  const report = (file: string) => folder.out.files.find((f: any) => path.basename(f.file) === file)

  it('a folder of invalid specs exits 1; every invalid example is covered by a case below', () => {
    assert.equal(folder.code, 1)
    assert.deepEqual(folder.out.files.map((f: any) => path.basename(f.file)).sort(), CASES.map((c) => c[0]).sort())
    assert.equal(folder.out.summary.valid, 0)
  })

  for (const [file, line, column, code, specPath] of CASES) {
    it(`${file}: ${code} at ${line}:${column}`, () => {
      const errors = report(file).diagnostics.filter((d: any) => d.severity === 'error')
      assert.equal(errors.length, 1, JSON.stringify(errors, null, 2))
      assert.deepEqual(
        {line: errors[0].line, column: errors[0].column, code: errors[0].code, path: errors[0].path},
        {line, column, code, path: specPath},
      )
      assert.ok(errors[0].message.length > 0)
    })
  }

  it('one file named alone: the same diagnostics, exit 1', async () => {
    const r = await runCli(['validate', invalid('params-rule.yaml'), '--json'])
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(parseJson(r).files[0].diagnostics, report('params-rule.yaml').diagnostics)
  })

  it('unknown strategy and misspelt keys get a did-you-mean hint', () => {
    const hints = ['unknown-strategy.yaml', 'unknown-key.yaml', 'bad-enum.yaml'].map((f) => report(f).diagnostics[0].hint)
    assert.deepEqual(hints, ['did you mean `sma-cross`?', 'did you mean `broker`?', 'did you mean `NYSE`?'])
  })

  it('valid examples pass with exit 0 and no stack trace', async () => {
    const r = await runCli(['validate', 'examples/orcl-sma-cross.yaml', 'examples/index-5min-intraday.yaml', 'examples/live-replay.yaml'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /3 files: 3 valid, 0 invalid/)
  })

  it('text output names file:line:col, the path, the message and a hint', async () => {
    const r = await runCli(['validate', invalid('unknown-key.yaml')])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /examples\/invalid\/unknown-key\.yaml:6:1 error \/brokr unknown key `brokr`\n\s+hint: did you mean `broker`\?/)
    assert.doesNotMatch(r.stdout + r.stderr, /\bat .*\.js:\d+/) // no stack frames
  })

  it('github format emits workflow annotations with escaped properties', async () => {
    const r = await runCli(['validate', invalid('unknown-key.yaml'), '--format', 'github'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /^::error file=examples\/invalid\/unknown-key\.yaml,line=6,col=1,title=bots validate%3A schema\.unknown_key::\/brokr: unknown key `brokr`/m)
  })

  it('junit format is well-formed XML with one testcase per file and a failure per error', async () => {
    const r = await runCli(['validate', invalid('unknown-key.yaml'), 'examples/orcl-sma-cross.yaml', '--format', 'junit'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>/)
    assert.equal((r.stdout.match(/<testcase /g) ?? []).length, 2)
    assert.equal((r.stdout.match(/<failure /g) ?? []).length, 1)
    assert.match(r.stdout, /<testsuites name="bots validate" tests="2" failures="1">/)
    assert.doesNotMatch(r.stdout.replace(/&(amp|lt|gt|quot|apos);/g, ''), /&|<(?![?/a-z])/)
  })

  it('usage errors exit 2: unknown flag, missing path, bad format', async () => {
    for (const args of [['validate', '--nope'], ['validate', 'does/not/exist.yaml'], ['validate', '--format', 'xml', 'examples']]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
      assert.match(r.stderr, /error: /)
    }
  })

  it('folders are searched recursively, globs expand, no path means the current folder', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'bots/nested'), {recursive: true})
    mkdirSync(path.join(dir, 'bots/data'), {recursive: true})
    copyFileSync(`${ROOT}examples/orcl-sma-cross.yaml`, path.join(dir, 'bots/nested/a.yaml'))
    copyFileSync(`${ROOT}examples/data/orcl-1995-2014.csv`, path.join(dir, 'bots/nested/orcl.csv'))
    writeFileSync(path.join(dir, 'bots/nested/a.yaml'), (await import('node:fs')).readFileSync(path.join(dir, 'bots/nested/a.yaml'), 'utf8').replace('data/orcl-1995-2014.csv', 'orcl.csv'))
    copyFileSync(`${ROOT}examples/invalid/unknown-key.yaml`, path.join(dir, 'bots/b.yml'))
    const folder = parseJson(await runCli(['validate', 'bots', '--json'], {cwd: dir}))
    assert.deepEqual(folder.files.map((f: any) => [f.file, f.valid]), [['bots/b.yml', false], ['bots/nested/a.yaml', true]])
    const glob = parseJson(await runCli(['validate', 'bots/**/*.yaml', '--json'], {cwd: dir}))
    assert.deepEqual(glob.files.map((f: any) => f.file), ['bots/nested/a.yaml'])
    const none = await runCli(['validate', '--json'], {cwd: path.join(dir, 'bots/nested')})
    assert.equal(none.code, 0, none.stdout)
    assert.equal(parseJson(none).summary.files, 1)
  })

  it('--strict turns warnings into failures', async () => {
    const dir = tempDir()
    const spec = path.join(dir, 'w.yaml')
    writeFileSync(spec, 'name: w\nstrategy: {name: sma-cross}\nsymbols: [X]\ntimeframe: 5M\nsleeptime: 1M\n')
    const loose = await runCli(['validate', spec, '--json'])
    assert.equal(loose.code, 0, loose.stdout)
    assert.equal(parseJson(loose).files[0].diagnostics[0].code, 'sleeptime.shorter_than_timeframe')
    assert.equal((await runCli(['validate', spec, '--strict'])).code, 1)
  })

  it('a spec that uses a plugin from --strategies validates its params with defaults and check()', async () => {
    const dir = tempDir()
    const spec = path.join(dir, 'p.yaml')
    writeFileSync(spec, 'name: p\nstrategy:\n  name: range-pair\n  params:\n    low: 30\nsymbols: [X]\ntimeframe: 1D\n')
    const r = parseJson(await runCli(['validate', spec, '--json', '--strategies', `${ROOT}test/fixtures/strategies/good`]))
    assert.deepEqual(
      r.files[0].diagnostics.map((d: any) => [d.line, d.column, d.path, d.message]),
      [[5, 10, '/strategy/params/low', 'low (30) must be less than high (20)']],
    )
  })
})
