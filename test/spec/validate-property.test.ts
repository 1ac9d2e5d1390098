import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {before, describe, it} from 'node:test'
import fc from 'fast-check'
import {stringify} from 'yaml'
import {parseYamlText} from '../../src/document/load-yaml.js'
import {validateLoaded} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {ROOT} from '../helpers/cli.js'

const SEEDS = ['examples/orcl-sma-cross.yaml', 'examples/index-5min-intraday.yaml', 'examples/live-replay.yaml', 'examples/golden-cross.yaml', 'examples/rules-inline.yaml', 'examples/strategies/macd-trend.yaml']
// Per example and kind of mutation; every run draws new cases (six examples, two kinds: 1,200 specs a run).
const RUNS = 100
const file = `${ROOT}examples/mutated.yaml` // relative data paths resolve like the examples'

let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: ROOT})
})

/** Validate YAML text the way `bots validate` does, and check the result's invariants. */
async function checkInvariants(text: string): Promise<void> {
  const loaded = parseYamlText(file, Buffer.from(text))
  const diagnostics = loaded.ok ? (await validateLoaded(loaded.yaml, file, {discovery})).diagnostics : loaded.diagnostics
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
  fc.constantFrom('1D', '0M', '5M', '-1D', 'NYSE', '24/7', 'file', 'store', '2006-02-30', '2010-01-01', 'sma-cross', '', '../../etc/passwd', 'Europe/Berlinn', '${fast}'),
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
})
