/**
 * `bots validate` errors that come before any report (a path that does not exist, no spec files,
 * a bad flag, a bots.config.yaml that does not load) reach a CI step that reads stdout in the
 * format it asked for, as every command's error does under --json; text output is unchanged.
 * Run as the real CLI (built dist/).
 */
import assert from 'node:assert/strict'
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const HELP = 'see `bots validate --help`'
const usage = (message: string, hint = HELP) => ({error: {severity: 'error', code: 'usage', message, hint}})

describe('bots validate: errors in the format asked for (real CLI)', () => {
  it('a path that does not exist: --json, --format json, -f json print the usage error as JSON, exit 2', async () => {
    for (const flags of [['--json'], ['--format', 'json'], ['--format=json'], ['-f', 'json'], ['--json', '--format', 'github']]) {
      const r = await runCli(['validate', 'nope.yaml', ...flags])
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stdout}${r.stderr}`)
      assert.deepEqual(parseJson(r), usage('no such file or folder: nope.yaml'), flags.join(' '))
      assert.match(r.stderr, /^error: no such file or folder: nope\.yaml$/m, 'still on stderr')
    }
  })

  it('the same {"error": …} shape as the other commands (bots backtest --json)', async () => {
    const [validate, backtest] = await Promise.all([runCli(['validate', 'nope.yaml', '--json']), runCli(['backtest', 'nope.yaml', '--json'])])
    assert.equal(backtest.code, 2)
    assert.deepEqual(Object.keys(parseJson(validate).error), Object.keys(parseJson(backtest).error))
  })

  it('no spec files (a folder with none, the current folder with none): JSON, exit 2', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'empty'))
    const here = await runCli(['validate', '--json'], {cwd: dir})
    assert.equal(here.code, 2, here.stderr)
    assert.deepEqual(parseJson(here), usage('no *.yaml or *.yml files found in the current folder'))
    const folder = await runCli(['validate', 'empty', '--format', 'json'], {cwd: dir})
    assert.equal(folder.code, 2, folder.stderr)
    assert.deepEqual(parseJson(folder), usage('no *.yaml or *.yml files found in empty'))
  })

  it('flags that do not parse, and a --strategies folder that does not exist: JSON, exit 2', async () => {
    const cases: Array<[string[], string, string?]> = [
      [['--nope', '--json'], 'Nonexistent flag: --nope'],
      [['--format', 'xml', '--json'], 'Expected --format=xml to be one of: text, json, github, junit'],
      [['--json', '--format', 'json', '-f', 'json'], 'Flag --format can only be specified once'],
      [
        ['examples', '--json', '--strategies', 'no/such/folder'],
        `--strategies no/such/folder: ${path.resolve(ROOT, 'no/such/folder')} does not exist`,
        'give --strategies a folder of strategy plugins (*.js, *.ts) or strategy specs, e.g. --strategies ./strategies',
      ],
    ]
    for (const [args, message, hint] of cases) {
      const r = await runCli(['validate', ...args])
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
      assert.deepEqual(parseJson(r), usage(message, hint), args.join(' '))
    }
  })

  it('--format github: one ::error:: workflow command with the message and hint, escaped; exit 2', async () => {
    const r = await runCli(['validate', 'nope.yaml', '--format', 'github'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '::error title=bots validate%3A usage::no such file or folder: nope.yaml (hint: see `bots validate --help`)\n')
    const odd = await runCli(['validate', '50%.yaml', '-f', 'github'])
    assert.equal(odd.code, 2)
    assert.equal(odd.stdout, '::error title=bots validate%3A usage::no such file or folder: 50%25.yaml (hint: see `bots validate --help`)\n')
  })

  it('--format junit: a JUnit document with the usage error as a test case in error; exit 2', async () => {
    const r = await runCli(['validate', 'a<b&"c\'.yaml', '--format', 'junit'])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="bots validate" tests="1" failures="0" errors="1">\n/)
    assert.match(r.stdout, /<testsuite name="bots validate" tests="1" failures="0" errors="1" skipped="0">/)
    assert.equal((r.stdout.match(/<testcase /g) ?? []).length, 1)
    assert.ok(r.stdout.includes('<error type="usage" message="no such file or folder: a&lt;b&amp;&quot;c&apos;.yaml">'), r.stdout)
    assert.ok(r.stdout.includes('hint: see `bots validate --help`</error>'), r.stdout)
    assert.match(r.stdout, /<\/testcase>\n {2}<\/testsuite>\n<\/testsuites>\n$/)
    assert.doesNotMatch(r.stdout.replace(/&(amp|lt|gt|quot|apos);/g, ''), /&|<(?![?/a-z])/)
    // Flags that do not parse: the format still comes from the command line.
    const flag = await runCli(['validate', '--format=junit', '--nope'])
    assert.equal(flag.code, 2)
    assert.ok(flag.stdout.includes('<error type="usage" message="Nonexistent flag: --nope">'), flag.stdout)
  })

  it('a bots.config.yaml that does not load: its located error on stdout in every machine format, exit 1', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'bots.config.yaml'), 'strategies: 5\n')
    copyFileSync(`${ROOT}examples/orcl-sma-cross.yaml`, path.join(dir, 'a.yaml'))
    const json = await runCli(['validate', '--json'], {cwd: dir})
    assert.equal(json.code, 1, json.stderr)
    assert.deepEqual(parseJson(json).error, {
      severity: 'error',
      code: 'config.invalid',
      message: '`strategies` must be a folder or a list of folders',
      file: path.join(dir, 'bots.config.yaml'),
      path: '/strategies',
    })
    const github = await runCli(['validate', '-f', 'github'], {cwd: dir})
    assert.equal(github.code, 1)
    assert.match(github.stdout, /^::error file=.*bots\.config\.yaml,title=bots validate%3A config\.invalid::\/strategies: `strategies` must be/)
    const junit = await runCli(['validate', '-f', 'junit'], {cwd: dir})
    assert.equal(junit.code, 1)
    assert.match(junit.stdout, /<error type="config\.invalid" message="`strategies` must be a folder or a list of folders">/)
  })

  it('text output is unchanged: nothing on stdout, the error and hint on stderr, exit 2', async () => {
    for (const flags of [[], ['--format', 'text']]) {
      const r = await runCli(['validate', 'nope.yaml', ...flags])
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      assert.equal(r.stderr, 'error: no such file or folder: nope.yaml\n  hint: see `bots validate --help`\n')
    }
    // Two different formats: none is right, so stdout stays empty (the error is on stderr).
    const both = await runCli(['validate', 'nope.yaml', '-f', 'json', '-f', 'junit'])
    assert.equal(both.code, 2)
    assert.equal(both.stdout, '')
    assert.match(both.stderr, /^error: Flag --format can only be specified once/)
  })
})
