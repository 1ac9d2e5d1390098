/**
 * Issue 16: a bounded, seeded fuzz run of hostile specs through the real CLI, the way CI uses it:
 * `bots validate DIR --format json | cat`. Whatever the specs hold, the command ends (the safety
 * net allows 5 s per file), its JSON arrives whole through the pipe, every file is in the report,
 * and every problem is located (file, line, column). The in-process property test
 * (test/spec/validate-property.test.ts) explores far more cases; this one checks the command's
 * outcome end to end.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {parse, stringify} from 'yaml'
import {BIN, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const FILES = 60
const SEED = 1616
const EXAMPLES = ['examples/orcl-sma-cross.yaml', 'examples/live-replay.yaml', 'examples/rules-inline.yaml', 'examples/index-5min-intraday.yaml']

const hostile = fc.oneof(
  fc.constantFrom('0M', '-1D', '1D', '', '../../etc/passwd', '/dev/zero', 'Europe/Berlinn', '2006-02-30', '${x}', 'sma-cross', 'x'.repeat(5000), '\u0000', 'a\nb'),
  fc.integer({min: -1e9, max: 1e9}),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom(1, 'ORCL', null), {maxLength: 4}),
  fc.dictionary(fc.constantFrom('name', 'path', 'params', '__proto__', 'constructor', 'type'), fc.constantFrom(1, 'x', null), {maxKeys: 3}),
)

function leaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => leaves(x, [...at, i]))]
  if (v && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]))]
  return [at]
}

function mutate(doc: any, where: (string | number)[], value: unknown): any {
  if (where.length === 0) return value
  const copy = structuredClone(doc)
  let node = copy
  for (const k of where.slice(0, -1)) node = node[k]
  node[where.at(-1)!] = value
  return copy
}

describe('hostile specs through `bots validate DIR --format json | cat` (seeded)', () => {
  it(`${FILES} mutated specs: the command ends, the JSON is whole, every file is reported and located`, async () => {
    const dir = tempDir('bots-fuzz-cli-')
    const docs = EXAMPLES.map((f) => parse(readFileSync(path.join(ROOT, f), 'utf8')))
    const cases = fc.sample(fc.tuple(fc.nat(), fc.nat(), fc.array(hostile, {minLength: 1, maxLength: 3}), fc.nat({max: 3})), {seed: SEED, numRuns: FILES})
    cases.forEach(([pick, spot, values, shape], i) => {
      let doc = docs[pick % docs.length]
      for (const [k, value] of values.entries()) {
        const spots = leaves(doc)
        doc = mutate(doc, spots[(spot + k * 7) % spots.length], value)
      }
      let text = stringify(doc)
      // Text-level hostility: many leading comments, a long line, deep nesting, a stray tab.
      if (shape === 1) text = '#\n'.repeat(5_000) + text
      if (shape === 2) text += `description: ${'y'.repeat(50_000)}\n`
      if (shape === 3) text += `extra: ${'['.repeat(200)}${']'.repeat(200)}\n\t`
      writeFileSync(path.join(dir, `case-${String(i).padStart(2, '0')}.yaml`), text)
    })

    const {code, stdout} = await new Promise<{code: number | null; stdout: string}>((resolve) => {
      const child = spawn('bash', ['-c', `"${process.execPath}" "${BIN}" validate "${dir}" --format json | cat; exit \${PIPESTATUS[0]}`], {cwd: ROOT, env: {...process.env, NO_COLOR: '1', CI: 'true'}})
      let out = ''
      // The safety net: 5 s a file; a hang fails the test instead of stalling the run.
      const safety = setTimeout(() => child.kill('SIGKILL'), FILES * 5_000)
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      child.on('close', (c) => {
        clearTimeout(safety)
        resolve({code: c, stdout: out})
      })
    })
    assert.ok(code === 0 || code === 1, `exit ${code}`)
    const report = JSON.parse(stdout) as {files: {file: string; valid: boolean; diagnostics: {severity: string; file: string; line?: number; column?: number; message: string}[]}[]}
    assert.equal(report.files.length, FILES)
    assert.equal(code, report.files.some((f) => !f.valid) ? 1 : 0)
    for (const f of report.files) {
      for (const d of f.diagnostics) {
        assert.ok(Number.isInteger(d.line) && d.line! >= 1 && Number.isInteger(d.column) && d.column! >= 1, `${f.file}: unlocated ${JSON.stringify(d).slice(0, 300)}`)
        assert.ok(d.message.length > 0)
      }
    }
  })
})
