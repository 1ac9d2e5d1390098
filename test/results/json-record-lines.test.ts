/**
 * Long arrays of records are stringified a run at a time and cut at the elements' boundaries
 * (json-record-lines.ts): the text must be byte for byte what one JSON.stringify per element gave,
 * whatever the elements hold (numbers JSON.stringify writes specially, strings with quotes,
 * escapes, lone surrogates or the boundary's own text `},{`, undefined fields, nested values,
 * toJSON methods, elements that are not records at all).
 */
import assert from 'node:assert/strict'
import {Writable} from 'node:stream'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {recordLines} from '../../src/results/json-record-lines.js'
import {writeJson} from '../../src/results/json-stream.js'

/** Characters that JSON escapes or that make up a boundary, and any other code unit. */
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '}', ',', '{', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '😀', '\ud800', '\udfff'),
  fc.integer({min: 0, max: 0xffff}).map((c) => String.fromCharCode(c)),
)
// Now and then the boundary's own text: often enough to be met, rarely enough that most runs of
// records can still be cut (a long array is written element by element after the first refusal).
const text = fc.oneof({weight: 40, arbitrary: fc.string({unit, maxLength: 8})}, {weight: 1, arbitrary: fc.constantFrom('},{', 'a},{b', '"},{"')})
const number = fc.oneof(
  fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, 1_577_836_800_000),
  fc.double(),
  fc.integer(),
)
const scalar = fc.oneof(number, text, fc.boolean(), fc.constant(null), fc.constant(undefined))

/** A toJSON that returns a record holding the key it was given (elements must get ''). */
class Keyed {
  constructor(readonly n: number) {}
  toJSON(key: string) {
    return {key, n: this.n, half: this.n / 2}
  }
}
/** A toJSON whose result has a toJSON of its own (JSON.stringify does not call the second). */
class Nested {
  constructor(readonly n: number) {}
  toJSON() {
    return {n: this.n, toJSON: () => 'second'}
  }
}
/** A toJSON that returns something other than a record. */
class Scalar {
  constructor(readonly n: number) {}
  toJSON(key: string) {
    return this.n > 0 ? `${key}#${this.n}` : this.n
  }
}

const record = fc.dictionary(fc.oneof(text, fc.constantFrom('a', 'b', 'toString', '__proto__')), scalar, {maxKeys: 6})
const nested = fc.oneof(
  record,
  fc.record({id: fc.integer(), inner: record, list: fc.array(record, {maxLength: 3}), numbers: fc.array(number, {maxLength: 3})}, {requiredKeys: ['id']}),
)
const element = fc.oneof(
  {weight: 12, arbitrary: nested},
  {weight: 2, arbitrary: number.map((n) => new Keyed(n))},
  {weight: 1, arbitrary: number.map((n) => new Nested(n))},
  {weight: 1, arbitrary: number.map((n) => new Scalar(n))},
  {weight: 1, arbitrary: fc.integer().map((t) => new Date(t))},
  {weight: 1, arbitrary: scalar},
  {weight: 1, arbitrary: fc.constantFrom(() => 1, Symbol('s'), [], [1, {x: 2}], Object.create(null) as object, new Number(3), new String('s'))},
)
/** Longer than the writer's small-array limit (64), so written one element per line. */
const longArray = fc.array(element, {minLength: 65, maxLength: 160})

async function streamed(value: unknown): Promise<string> {
  const chunks: string[] = []
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string, _enc, cb) {
      chunks.push(chunk)
      cb()
    },
  })
  await writeJson(stream, value)
  return chunks.join('')
}

/** The document's text as laid out before runs: one JSON.stringify per element of a long array. */
function perElementLayout(value: unknown, indent = '', key = ''): string {
  let v = value
  if (v !== null && typeof v === 'object' && typeof (v as {toJSON?: unknown}).toJSON === 'function') v = (v as {toJSON(k: string): unknown}).toJSON(key)
  const inner = `${indent}  `
  if (Array.isArray(v) && v.length > 64) {
    return `[${v.map((e) => `\n${inner}${(JSON.stringify(e) as string | undefined) ?? 'null'}`).join(',')}\n${indent}]`
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol')
    if (entries.length === 0) return '{}'
    return `{${entries.map(([k, x]) => `\n${inner}${JSON.stringify(k)}: ${perElementLayout(x, inner, k)}`).join(',')}\n${indent}}`
  }
  return ((JSON.stringify(v, null, 2) as string | undefined) ?? 'null').replaceAll('\n', `\n${indent}`)
}

describe('json-record-lines: long arrays of records, a run at a time', () => {
  it('recordLines is the elements\' texts joined, or undefined exactly when one of them holds `},{`', () => {
    const records = fc.array(fc.oneof(nested, number.map((n) => new Keyed(n).toJSON(''))), {maxLength: 40})
    let cut = 0
    let refused = 0
    fc.assert(
      fc.property(records, fc.constantFrom(',\n    ', ',\n      ', ','), (rs, lineBreak) => {
        const texts = rs.map((r) => JSON.stringify(r))
        const expected = rs.length === 0 || texts.some((t) => t.includes('},{')) ? undefined : texts.join(lineBreak)
        if (expected === undefined) refused++
        else cut++
        assert.equal(recordLines(rs, lineBreak), expected)
      }),
      {numRuns: 2000},
    )
    // Both outcomes are exercised (the generator puts `},{` in strings and nested lists of records).
    assert.ok(cut > 200 && refused > 200, `${cut} cut, ${refused} refused`)
  })

  it('writeJson writes long arrays byte for byte as one JSON.stringify per element did', async () => {
    const doc = fc.record({first: longArray, deeper: fc.record({list: longArray, n: number, s: text}), last: longArray})
    await fc.assert(
      fc.asyncProperty(doc, async (d) => {
        assert.equal(await streamed(d), `${perElementLayout(d)}\n`)
      }),
      {numRuns: 300},
    )
  })

  it('long arrays of records only, as fills, trades and orders are (every element in runs)', async () => {
    const doc = fc.record({records: fc.array(record, {minLength: 65, maxLength: 3000}), keyed: fc.array(number.map((n) => new Keyed(n)), {minLength: 65, maxLength: 3000})})
    await fc.assert(
      fc.asyncProperty(doc, async (d) => {
        assert.equal(await streamed(d), `${perElementLayout(d)}\n`)
      }),
      {numRuns: 40},
    )
  })

  it('a record holding `},{` amid thousands of plain ones, and a top-level long array', async () => {
    const plain = Array.from({length: 5000}, (_, i) => ({id: i, price: i / 7, side: i % 2 ? 'buy' : 'sell', tag: i % 3 ? undefined : `t${i}`}))
    const tricky = plain.map((r, i) => (i === 2500 ? {...r, note: 'a},{b'} : i === 4000 ? {...r, legs: [{a: 1}, {b: 2}]} : r))
    for (const value of [{plain}, {tricky}, tricky]) assert.equal(await streamed(value), `${perElementLayout(value)}\n`)
  })
})
