/**
 * Issue 16, items 6 and 7.
 *
 * 6: output on a pipe is not cut when the exit code is non-zero. oclif's error handler calls
 * `process.exit`, which dropped whatever stdout still held beyond the pipe's 64 KiB; commands now
 * let stdout and stderr drain first. The reader here waits before reading and then reads in small
 * steps, so the child always has far more queued than the pipe holds when it is done.
 *
 * 7: only regular files are read as specs and as `source: file` data files. A FIFO named
 * spec.yaml hung `validate` and `add`; a symlink to /dev/zero grew `validate` to gigabytes (the
 * size cap was checked against `stat`, which says 0). Through the real CLI; timeouts are safety
 * nets, never timing assertions.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {MAX_SPEC_BYTES, loadYamlFile} from '../../src/document/load-yaml.js'
import {readRegularFile} from '../../src/core/regular-file.js'
import {BIN, ROOT, parseJson, runCli, type CliResult} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ENV = {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true'}

/** Runs the CLI with stdout on a pipe read late and slowly. */
function runSlowReader(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe']})
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout.pause()
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d)
      child.stdout.pause()
      setTimeout(() => child.stdout.resume(), 2)
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    setTimeout(() => child.stdout.resume(), 500)
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout: Buffer.concat(chunks).toString('utf8'), stderr})
    })
  })
}

/** A folder of `n` invalid specs (each has several errors, so the report is large). */
function manyInvalid(n: number): string {
  const dir = tempDir('bots-items-6-')
  for (let i = 0; i < n; i++) {
    writeFileSync(path.join(dir, `spec-${String(i).padStart(4, '0')}.yaml`), `name: bot-${i}\nstrategy: {name: no-such-strategy}\nsymbols: 3\ntimeframe: xx\nunknown_key: 1\n`)
  }
  return dir
}

describe('item 6: output on a pipe is complete when the exit code is 1', () => {
  const N = 1500
  const dir = manyInvalid(N)

  it('--format json: more than 1 MB, parses, lists every file', async () => {
    const r = await runSlowReader(['validate', dir, '--format', 'json'])
    assert.equal(r.signal, null)
    assert.equal(r.code, 1, r.stderr)
    assert.ok(Buffer.byteLength(r.stdout) > 1_000_000, `only ${Buffer.byteLength(r.stdout)} bytes`)
    const out = parseJson(r)
    assert.equal(out.files.length, N)
    assert.deepEqual(new Set(out.files.map((f: any) => path.basename(f.file))).size, N)
    assert.equal(out.summary.valid, 0)
  })

  it('--format junit: the XML is complete', async () => {
    const r = await runSlowReader(['validate', dir, '--format', 'junit'])
    assert.equal(r.code, 1, r.stderr)
    assert.ok(Buffer.byteLength(r.stdout) > 1_000_000, `only ${Buffer.byteLength(r.stdout)} bytes`)
    assert.match(r.stdout.trimEnd(), /<\/testsuites>$/)
    assert.equal(r.stdout.match(/<testcase /g)?.length, N)
  })

  it('through a shell pipe (`| cat`), the exit status of bots kept by pipefail', async () => {
    const out = path.join(tempDir('bots-items-6-out-'), 'out.json')
    const r = await new Promise<{code: number | null}>((resolve, reject) => {
      const child = spawn('bash', ['-c', 'set -o pipefail; "$0" "$1" validate "$2" --format json | (sleep 0.3; cat) > "$3"', process.execPath, BIN, dir, out], {cwd: ROOT, env: ENV, stdio: 'ignore'})
      child.on('error', reject)
      child.on('close', (code) => resolve({code}))
    })
    assert.equal(r.code, 1)
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).files.length, N)
  })
})

describe('item 7: only regular files are read', () => {
  const validSpec = readFileSync(path.join(ROOT, 'examples/orcl-sma-cross.yaml'), 'utf8').replace('path: data/orcl-1995-2014.csv', `path: ${path.join(ROOT, 'examples/data/orcl-1995-2014.csv')}`)

  function fifo(dir: string, name = 'spec.yaml'): string {
    const p = path.join(dir, name)
    execFileSync('mkfifo', [p])
    return p
  }
  function zeroLink(dir: string, name = 'spec.yaml'): string {
    const p = path.join(dir, name)
    symlinkSync('/dev/zero', p)
    return p
  }
  const errorsOf = (r: CliResult, name: string) => parseJson(r).files.find((f: any) => path.basename(f.file) === name).diagnostics

  it('validate: a FIFO named spec.yaml is refused at once, naming it', async () => {
    const spec = fifo(tempDir('bots-items-7-'))
    const r = await runCli(['validate', spec], {timeoutMs: 60_000})
    assert.equal(r.signal, null, 'hung')
    assert.equal(r.code, 1)
    assert.match(r.stdout + r.stderr, /spec\.yaml/)
    assert.match(r.stdout + r.stderr, /FIFO \(named pipe\), not a regular file/)
  })

  it('validate --json: the FIFO is a located error with a hint', async () => {
    const spec = fifo(tempDir('bots-items-7-'))
    const r = await runCli(['validate', spec, '--json'], {timeoutMs: 60_000})
    assert.equal(r.code, 1)
    const out = parseJson(r)
    assert.deepEqual(out.files.map((f: any) => f.file), [spec])
    const [d] = out.files[0].diagnostics
    assert.equal(d.code, 'file.not_regular')
    assert.ok(d.hint)
  })

  it('add: a FIFO spec is refused, not waited on', async () => {
    const dir = tempDir('bots-items-7-')
    const spec = fifo(dir)
    const r = await runCli(['add', spec, '--user-id', '1', '--db', path.join(dir, 'bots.duckdb')], {timeoutMs: 60_000})
    assert.equal(r.signal, null, 'hung')
    assert.notEqual(r.code, 0)
    assert.match(r.stdout + r.stderr, /spec\.yaml/)
    assert.match(r.stdout + r.stderr, /FIFO/)
  })

  it('validate: spec.yaml → /dev/zero is refused without reading it', async () => {
    const spec = zeroLink(tempDir('bots-items-7-'))
    const r = await runCli(['validate', spec, '--json'], {timeoutMs: 60_000})
    assert.equal(r.signal, null)
    assert.equal(r.code, 1)
    const [d] = errorsOf(r, 'spec.yaml')
    assert.equal(d.code, 'file.not_regular')
    assert.match(d.message, /character device/)
  })

  it('backtest: spec.yaml → /dev/zero is an error', async () => {
    const dir = tempDir('bots-items-7-')
    const spec = zeroLink(dir)
    const r = await runCli(['backtest', spec, '--db', path.join(dir, 'bots.duckdb')], {timeoutMs: 60_000})
    assert.equal(r.signal, null)
    assert.notEqual(r.code, 0)
    assert.match(r.stdout + r.stderr, /spec\.yaml/)
    assert.match(r.stdout + r.stderr, /not a regular file/)
  })

  it('a batch with a FIFO, a /dev/zero link and a valid spec reports all three', async () => {
    const dir = tempDir('bots-items-7-')
    const files = [fifo(dir, 'a-fifo.yaml'), zeroLink(dir, 'b-zero.yaml'), path.join(dir, 'c-valid.yaml')]
    writeFileSync(files[2], validSpec)
    const r = await runCli(['validate', ...files, '--json'], {timeoutMs: 60_000})
    assert.equal(r.signal, null)
    assert.equal(r.code, 1, r.stderr)
    const byName = Object.fromEntries(parseJson(r).files.map((f: any) => [path.basename(f.file), f]))
    assert.deepEqual(Object.keys(byName).sort(), ['a-fifo.yaml', 'b-zero.yaml', 'c-valid.yaml'])
    for (const bad of ['a-fifo.yaml', 'b-zero.yaml']) {
      assert.equal(byName[bad].valid, false)
      assert.equal(byName[bad].diagnostics[0].code, 'file.not_regular')
    }
    assert.equal(byName['c-valid.yaml'].valid, true, JSON.stringify(byName['c-valid.yaml'].diagnostics))
  })

  it('a folder holding a FIFO and a /dev/zero link: no hang, the link refused, the valid spec valid', async () => {
    const dir = tempDir('bots-items-7-')
    fifo(dir, 'a-fifo.yaml')
    zeroLink(dir, 'b-zero.yaml')
    writeFileSync(path.join(dir, 'c-valid.yaml'), validSpec)
    const r = await runCli(['validate', dir, '--json'], {timeoutMs: 60_000})
    assert.equal(r.signal, null, 'hung')
    assert.equal(r.code, 1, r.stderr)
    const byName = Object.fromEntries(parseJson(r).files.map((f: any) => [path.basename(f.file), f]))
    assert.equal(byName['b-zero.yaml'].diagnostics[0].code, 'file.not_regular')
    assert.equal(byName['c-valid.yaml'].valid, true)
    // The folder search lists files only; a FIFO it does list is refused like the link.
    if (byName['a-fifo.yaml']) assert.equal(byName['a-fifo.yaml'].diagnostics[0].code, 'file.not_regular')
  })

  it('source: file data that is a FIFO or /dev/zero is a located error at its path', async () => {
    const dir = tempDir('bots-items-7-')
    const pipe = fifo(dir, 'bars.csv')
    const zero = zeroLink(dir, 'zero.csv')
    writeFileSync(path.join(dir, 'pipe.yaml'), validSpec.replace(/path: .*/, `path: ${pipe}`))
    writeFileSync(path.join(dir, 'zero.yaml'), validSpec.replace(/path: .*/, `path: ${zero}`))
    const r = await runCli(['validate', dir, '--json'], {timeoutMs: 60_000})
    assert.equal(r.code, 1, r.stderr)
    for (const [name, kind] of [['pipe.yaml', /FIFO/], ['zero.yaml', /character device/]] as const) {
      const [d] = errorsOf(r, name)
      assert.equal(d.code, 'file.not_regular')
      assert.equal(d.path, '/data/path')
      assert.ok(d.line > 1)
      assert.match(d.message, kind)
    }
  })

  it('backtest: a /dev/zero data file is refused', async () => {
    const dir = tempDir('bots-items-7-')
    const zero = zeroLink(dir, 'zero.csv')
    const spec = path.join(dir, 'bot.yaml')
    writeFileSync(spec, validSpec.replace(/path: .*/, `path: ${zero}`))
    const r = await runCli(['backtest', spec, '--db', path.join(dir, 'bots.duckdb')], {timeoutMs: 60_000})
    assert.equal(r.signal, null)
    assert.notEqual(r.code, 0)
    assert.match(r.stdout + r.stderr, /zero\.csv/)
    assert.match(r.stdout + r.stderr, /not a regular file/)
  })
})

describe('item 7: reads capped by bytes actually read', () => {
  it('readRegularFile refuses a FIFO and a device without reading, and reads a regular file whole', async () => {
    const dir = tempDir('bots-items-7-')
    const pipe = path.join(dir, 'p')
    execFileSync('mkfifo', [pipe])
    assert.deepEqual(await readRegularFile(pipe, 10), {ok: false, problem: 'not_regular', kind: 'a FIFO (named pipe)'})
    assert.deepEqual(await readRegularFile('/dev/zero', 10), {ok: false, problem: 'not_regular', kind: 'a character device'})
    writeFileSync(path.join(dir, 'f'), 'x'.repeat(10))
    const r = await readRegularFile(path.join(dir, 'f'), 10)
    assert.ok(r.ok && r.bytes.toString() === 'x'.repeat(10))
    assert.deepEqual(await readRegularFile(path.join(dir, 'f'), 9), {ok: false, problem: 'too_large', atLeast: 10})
  })

  it('a regular file whose stat size is 0 but which holds more (procfs) is still capped by what is read', async () => {
    // /proc/self/maps is a regular file that `stat` reports as 0 bytes.
    const r = await readRegularFile('/proc/self/maps', 16)
    assert.deepEqual(r, {ok: false, problem: 'too_large', atLeast: 17})
  })

  it('loadYamlFile: a spec just over the cap is too large, one at the cap is read', async () => {
    const dir = tempDir('bots-items-7-')
    const over = path.join(dir, 'over.yaml')
    writeFileSync(over, `a: ${'x'.repeat(MAX_SPEC_BYTES)}\n`)
    const r = await loadYamlFile(over)
    assert.equal(r.ok, false)
    assert.equal((r as any).diagnostics[0].code, 'file.too_large')
    const at = path.join(dir, 'at.yaml')
    writeFileSync(at, `a: ${'x'.repeat(MAX_SPEC_BYTES - 4)}\n`)
    assert.equal((await loadYamlFile(at)).ok, true)
    mkdirSync(path.join(dir, 'sub.yaml'))
    assert.equal(((await loadYamlFile(path.join(dir, 'sub.yaml'))) as any).diagnostics[0].code, 'file.directory')
  })
})
