import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import fc from 'fast-check'
import {stringify} from 'yaml'
import {BotsError} from '../../src/core/errors.js'
import {parseYamlText} from '../../src/document/load-yaml.js'
import {pathToPointer} from '../../src/document/locate.js'
import {locateThrown, validateLoaded, validateSpecFile, type SpecReport} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SEEDS = ['examples/orcl-sma-cross.yaml', 'examples/index-5min-intraday.yaml', 'examples/live-replay.yaml', 'examples/golden-cross.yaml', 'examples/rules-inline.yaml', 'examples/strategies/macd-trend.yaml']
// Per example and kind of mutation; every run draws new cases (six examples, two kinds: 1,200 specs a run).
const RUNS = 100
const file = `${ROOT}examples/mutated.yaml` // relative data paths resolve like the examples'

let discovery: Discovery
/** A plugin folder with `bad-schema`, a strategy whose params schema ajv cannot compile (checking a spec that names it throws). */
let plugins: string
// Made at the top level: a tempDir made inside `before` registered its removal there, and the
// folder was gone by the time the CLI test below named it (a missing --strategies folder was
// silently ignored then; it is a usage error now).
const pluginsRoot = tempDir('bots-property-')
before(async () => {
  plugins = path.join(pluginsRoot, 'plugins')
  mkdirSync(plugins)
  writeFileSync(path.join(plugins, 'bad-schema.js'), "export default {name: 'bad-schema', description: 'x', params: {type: 'object', properties: {x: {type: 'nonsense'}}}, create: () => ({})}\n")
  discovery = await discoverStrategies({cwd: ROOT, extra: [plugins]})
})

/** Validate YAML text the way `bots validate` does, and check the result's invariants. */
async function checkInvariants(text: string): Promise<void> {
  const loaded = parseYamlText(file, Buffer.from(text))
  const diagnostics = loaded.ok ? (await validateLoaded(loaded.yaml, file, {discovery})).diagnostics : loaded.diagnostics
  assertLocatedWhenInvalid(diagnostics, file, text)
}

/** Every diagnostic of a non-valid result is located: its file, a line inside the text and a column. */
function assertLocatedWhenInvalid(diagnostics: SpecReport['diagnostics'], file: string, text: string): void {
  const valid = !diagnostics.some((d) => d.severity === 'error')
  if (valid) return
  for (const d of diagnostics) {
    assert.equal(d.file, file)
    assert.ok(Number.isInteger(d.line) && d.line! >= 1, `line: ${JSON.stringify(d)}`)
    assert.ok(Number.isInteger(d.column) && d.column! >= 1, `column: ${JSON.stringify(d)}`)
    assert.ok(d.line! <= text.split('\n').length + 1, `line past the end: ${JSON.stringify(d)}`)
    assert.ok(typeof d.message === 'string' && d.message.length > 0)
    assert.ok(typeof d.code === 'string' && d.code.length > 0)
  }
}

type Json = null | boolean | number | string | Json[] | {[k: string]: Json}
type Path = Array<string | number>

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]))
  return out
}

function setAt(root: Json, path: Path, next: Json | undefined): Json {
  if (path.length === 0) return next ?? null
  const copy: any = structuredClone(root)
  let node = copy
  for (const seg of path.slice(0, -1)) {
    node = node?.[seg]
    if (node === null || typeof node !== 'object') return copy // an earlier mutation removed this path
  }
  if (node === null || typeof node !== 'object') return copy
  const last = path[path.length - 1]
  if (next === undefined) Array.isArray(node) ? node.splice(Number(last), 1) : delete node[last]
  else node[last] = next
  return copy
}

const KEYS = ['name', 'strategy', 'params', 'fast', 'slow', 'symbols', 'timeframe', 'sleeptime', 'market', 'data', 'source', 'path', 'broker', 'cash', 'commission', 'backtest', 'start', 'end', 'live', 'feed', 'constructor', '__proto__', 'kind']
const hostile = fc.oneof(
  fc.constantFrom('1D', '0M', '5M', '-1D', 'bad-schema', 'NYSE', '24/7', 'file', 'store', '2006-02-30', '2010-01-01', 'sma-cross', '', '../../etc/passwd', 'Europe/Berlinn', '${fast}'),
  fc.integer({min: -1e6, max: 1e6}),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
)
const jsonValue: fc.Arbitrary<Json> = fc.letrec((tie) => ({
  v: fc.oneof({depthSize: 'small'}, hostile, fc.array(tie('v'), {maxLength: 3}), fc.dictionary(fc.constantFrom(...KEYS), tie('v'), {maxKeys: 3})),
})).v as fc.Arbitrary<Json>

describe('validator under random mutation (fast-check)', () => {
  // Regression (found by the structural mutations below): a zero duration passed the schema and
  // made the semantic checks throw instead of reporting.
  it('a zero timeframe, sleeptime or stale_after is a located schema error, not a crash', async () => {
    const base = 'name: z\nstrategy: {name: sma-cross}\nsymbols: [X]\n'
    for (const [text, pointer, line] of [
      [`${base}timeframe: 0M\n`, '/timeframe', 4],
      [`${base}timeframe: 00d\n`, '/timeframe', 4],
      [`${base}timeframe: 1D\nsleeptime: 0S\n`, '/sleeptime', 5],
      [`${base}timeframe: 1D\nlive: {feed: {stale_after: 0H}}\n`, '/live/feed/stale_after', 5],
    ] as const) {
      const loaded = parseYamlText(file, Buffer.from(text))
      assert.ok(loaded.ok)
      const {diagnostics} = await validateLoaded(loaded.yaml, file, {discovery})
      assert.deepEqual(diagnostics.map((d) => [d.path, d.line, d.code]), [[pointer, line, 'schema.pattern']], text)
    }
    await checkInvariants(`${base}timeframe: 010M\n`)
  })

  for (const seed of SEEDS) {
    const text = readFileSync(`${ROOT}${seed}`, 'utf8')
    const value = (parseYamlText(seed, Buffer.from(text)) as any).yaml.value as Json

    it(`${seed}: structural mutations give valid or located errors, never a crash`, async () => {
      const all = paths(value)
      const mutation = fc.tuple(fc.constantFrom(...all), fc.oneof(jsonValue.map((v) => ({op: 'set' as const, v})), fc.constant({op: 'delete' as const}), fc.tuple(fc.constantFrom(...KEYS), jsonValue).map(([k, v]) => ({op: 'add' as const, k, v}))))
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, {minLength: 1, maxLength: 4}), async (muts) => {
          let doc: Json = value
          for (const [p, m] of muts) {
            if (m.op === 'set') doc = setAt(doc, p, m.v)
            else if (m.op === 'delete') doc = setAt(doc, p, undefined)
            else if (doc && typeof doc === 'object' && !Array.isArray(doc)) doc = {...doc, [m.k]: m.v}
          }
          await checkInvariants(stringify(doc))
        }),
        {numRuns: RUNS},
      )
    })

    it(`${seed}: text mutations (insert, delete, replace characters) never crash`, async () => {
      const edit = fc.tuple(fc.nat({max: text.length}), fc.nat({max: 8}), fc.string({maxLength: 6, unit: fc.constantFrom(':', ' ', '\n', '-', '[', ']', '{', '}', '"', "'", '&', '*', '#', 'a', '1', '\t', '|', '>', '!', '%', '\u00e9')}))
      await fc.assert(
        fc.asyncProperty(fc.array(edit, {minLength: 1, maxLength: 5}), async (edits) => {
          let t = text
          for (const [at, del, ins] of edits) t = t.slice(0, at) + ins + t.slice(at + del)
          await checkInvariants(t)
        }),
        {numRuns: RUNS},
      )
    })
  }
  // Regression (issue 14): a BotsError thrown by a check escaped the per-file validation, so
  // `bots validate a.yaml b.yaml` printed one bare line and did not report b.yaml.
  it('a BotsError thrown while checking becomes a located diagnostic of that file', async () => {
    const text = 'name: b\nstrategy:\n  name: bad-schema\nsymbols: [X]\ntimeframe: 1D\n'
    const loaded = parseYamlText(file, Buffer.from(text))
    assert.ok(loaded.ok)
    const r = await validateLoaded(loaded.yaml, file, {discovery})
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.path, d.line, d.column]), [['strategy.bad_schema', '/strategy/name', 3, 9]])
    assert.equal(r.valid, false)
  })

  it('locateThrown places any thrown diagnostic inside the document (its path when it exists, else its nearest ancestor or the top)', async () => {
    const text = readFileSync(`${ROOT}examples/golden-cross.yaml`, 'utf8')
    const loaded = parseYamlText(file, Buffer.from(text))
    assert.ok(loaded.ok)
    const where = {file, doc: loaded.yaml.doc, lineCounter: loaded.yaml.lineCounter}
    const segment = fc.oneof(fc.constantFrom(...KEYS), fc.nat({max: 3}))
    fc.assert(
      fc.property(fc.option(fc.array(segment, {maxLength: 4}), {nil: undefined}), fc.option(fc.constantFrom(file, '/elsewhere/plugin.js'), {nil: undefined}), (p, from) => {
        const thrown = new BotsError('rejected', {code: 'x.y', path: p === undefined ? undefined : pathToPointer(p), file: from})
        const d = locateThrown(thrown.diagnostic, where)
        assertLocatedWhenInvalid([d], file, text)
        assert.equal(d.severity, 'error')
        if (from === '/elsewhere/plugin.js') assert.match(d.message, /^\/elsewhere\/plugin\.js: rejected$/)
      }),
      {numRuns: RUNS},
    )
  })

  /** 2–4 spec texts: mutated examples, the throwing `bad-schema` strategy, invalid YAML. */
  const batch = fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.string({maxLength: 4})).map(([seed, at, ins]) => {
        const t = readFileSync(`${ROOT}${seed}`, 'utf8')
        const i = at % (t.length + 1)
        return t.slice(0, i) + ins + t.slice(i)
      }),
      fc.constantFrom('name: b\nstrategy: {name: bad-schema}\nsymbols: [X]\ntimeframe: 1D\n', 'name: z\nstrategy: {name: buy-and-hold}\nsymbols: [X]\ntimeframe: 0M\n', 'a: [\n', ''),
    ),
    {minLength: 2, maxLength: 4},
  )

  it('a batch of several files reports every file, each non-valid one located (as `bots validate` runs them)', async () => {
    const dir = tempDir('bots-batch-')
    let n = 0
    await fc.assert(
      fc.asyncProperty(batch, async (texts) => {
        const files = texts.map((t) => {
          const f = path.join(dir, `spec-${n++}.yaml`)
          writeFileSync(f, t)
          return f
        })
        const reports: SpecReport[] = []
        for (const f of files) reports.push(await validateSpecFile(f, {discovery}))
        assert.deepEqual(reports.map((r) => r.file), files)
        for (const [i, r] of reports.entries()) {
          if (!r.valid) assert.ok(r.diagnostics.some((d) => d.severity === 'error'))
          assertLocatedWhenInvalid(r.diagnostics, files[i], texts[i])
        }
      }),
      {numRuns: RUNS},
    )
  })

  it('the real CLI (`bots validate --format json`) reports every file of a batch, each non-valid one located', async () => {
    const dir = tempDir('bots-batch-cli-')
    let n = 0
    await fc.assert(
      fc.asyncProperty(batch, async (texts) => {
        const files = texts.map((t) => {
          const f = path.join(dir, `spec-${n++}.yaml`)
          writeFileSync(f, t)
          return f
        })
        const r = await runCli(['validate', ...files, '--format', 'json', `--strategies=${plugins}`])
        assert.equal(r.stderr, '')
        const out = parseJson(r)
        assert.deepEqual(out.files.map((f: any) => f.file), files)
        assert.equal(r.code, out.files.every((f: any) => f.valid) ? 0 : 1)
        for (const f of out.files.filter((x: any) => !x.valid)) {
          assert.ok(f.diagnostics.length > 0)
          for (const d of f.diagnostics) assert.ok(Number.isInteger(d.line) && Number.isInteger(d.column), JSON.stringify(d))
        }
      }),
      {numRuns: 5}, // a process each: few, but every one a mixed batch
    )
  })
})
