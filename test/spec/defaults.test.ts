/**
 * One source of truth for spec defaults: every `default` in schemas/bot.schema.json is what the
 * typed spec builder (`toBotSpec`) applies. For each defaulted property, found by walking the
 * schema (not listed by hand), three checks on a minimal valid spec:
 *  - leaving the property out gives the same typed spec as writing its default;
 *  - writing another valid value changes the typed spec (the builder reads the property at all);
 *  - for a leaf, the typed spec holds the default at the same path in camelCase.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {Ajv2020} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {schemaDefault, toBotSpec} from '../../src/spec/bot-spec.js'
import {ROOT} from '../helpers/cli.js'

const addFormats = ((addFormatsModule as unknown as {default?: unknown}).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void

type Node = Record<string, any>

interface Defaulted {
  /** Property names from the root. */
  keys: string[]
  node: Node
  /** The parent object the property needs to be valid in (a custom market, a file source…). */
  parent: Node
}

const MINIMAL = {name: 'd', strategy: {name: 'sma-cross'}, symbols: ['X'], timeframe: '1D'}
/** Parents that need more than `{}` to be valid. */
const CONTEXT: Record<string, Node> = {
  market: {timezone: 'Europe/Berlin', open: '09:00', close: '17:30'},
  data: {source: 'file', path: 'x.csv'},
  'live.notify': {webhook_env: 'HOOK'},
  'live.exchange': {id: 'binance'},
  strategy: {name: 'sma-cross'},
}
/** Defaults that do not reach the typed spec, and why. */
const NOT_CARRIED: Record<string, string> = {
  kind: 'a const: only `bot` specs are built',
  version: 'a const: only version 1 exists',
}

function walk(node: Node, keys: string[] = [], out: Defaulted[] = []): Defaulted[] {
  const members = [node, ...(node.oneOf ?? []), ...(node.anyOf ?? [])]
  for (const m of members) {
    for (const [key, child] of Object.entries((m.properties ?? {}) as Record<string, Node>)) {
      const path = [...keys, key]
      if ('default' in child) out.push({keys: path, node: child, parent: CONTEXT[keys.join('.')] ?? {}})
      walk(child, path, out)
    }
  }
  return out
}

/** MINIMAL with `value` at `keys` (undefined: left out), parents filled in from CONTEXT. */
function specWith(d: Defaulted, value: unknown): Node {
  const raw: Node = structuredClone(MINIMAL)
  let obj = raw
  d.keys.slice(0, -1).forEach((k, i) => {
    obj[k] = {...structuredClone(CONTEXT[d.keys.slice(0, i + 1).join('.')] ?? {}), ...(obj[k] ?? {})}
    obj = obj[k]
  })
  const last = d.keys[d.keys.length - 1]
  if (value === undefined) delete obj[last]
  else obj[last] = structuredClone(value)
  return raw
}

/** A valid value other than the default, or undefined when the property has no other (a const, an object of defaults). */
function another(d: Defaulted): unknown {
  const {node} = d
  const def = node.default
  if ('const' in node) return undefined
  const options: unknown[] = node.enum ?? node.oneOf?.flatMap((o: Node) => o.enum ?? []) ?? []
  if (options.length > 1) return options.find((o) => o !== def)
  if (typeof def === 'boolean') return !def
  if (typeof def === 'number') return def + 1
  if (Array.isArray(def)) return def.slice(0, 1)
  if (def && typeof def === 'object' && Object.keys(def).length === 0 && node.additionalProperties !== false) return {other: 1}
  return undefined
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
const at = (v: any, keys: string[]) => keys.reduce((o, k) => o?.[camel(k)], v)

const schema = JSON.parse(readFileSync(`${ROOT}schemas/bot.schema.json`, 'utf8')) as Node
const defaulted = walk(schema)
const ajv = new Ajv2020({allErrors: true, strict: true, strictTypes: false})
addFormats(ajv)
const validate = ajv.compile(schema)
const build = (raw: Node) => {
  assert.ok(validate(raw), `the test's spec must pass the schema: ${JSON.stringify(raw)} ${JSON.stringify(validate.errors)}`)
  return toBotSpec(raw, '/specs/d.yaml')
}

describe('spec defaults: the schema and the builder agree', () => {
  it('finds the defaulted properties by walking the schema', () => {
    const names = defaulted.map((d) => d.keys.join('.'))
    for (const expected of ['market', 'market.days', 'data.source', 'data.time_label', 'broker.cash', 'broker.commission.per_share', 'broker.fill_price', 'live.feed.speed', 'live.notify.events']) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`)
    }
  })

  for (const d of defaulted) {
    const name = d.keys.join('.')
    it(`${name}: left out = ${JSON.stringify(d.node.default)}`, () => {
      if (NOT_CARRIED[name]) return
      const omitted = build(specWith(d, undefined))
      assert.deepEqual(build(specWith(d, d.node.default)), omitted, 'writing the default changes nothing')
      const other = another(d)
      if (other !== undefined) assert.notDeepEqual(build(specWith(d, other)), omitted, `the builder reads ${name}`)
      const isLeaf = typeof d.node.default !== 'object' || Array.isArray(d.node.default) || d.node.additionalProperties !== false
      if (isLeaf) assert.deepEqual(at(omitted, d.keys), d.node.default, `typed spec at ${d.keys.map(camel).join('.')}`)
      assert.deepEqual(schemaDefault(...d.keys), d.node.default)
    })
  }

  it('every default is either applied or listed as not carried, with a reason', () => {
    const names = new Set(defaulted.map((d) => d.keys.join('.')))
    for (const n of Object.keys(NOT_CARRIED)) assert.ok(names.has(n), `${n} is no longer defaulted in the schema`)
  })

  it('defaults handed out are copies: changing one spec does not change the next', () => {
    const a = toBotSpec({...MINIMAL, market: CONTEXT.market, live: {notify: {webhook_env: 'H'}}})
    ;(a.strategy.params as Node).x = 1
    ;(a.market as {days: string[]}).days.push('sat')
    a.live.notify!.events.push('stop')
    const b = toBotSpec({...MINIMAL, market: CONTEXT.market, live: {notify: {webhook_env: 'H'}}})
    assert.deepEqual(b.strategy.params, {})
    assert.deepEqual((b.market as {days: string[]}).days, schemaDefault('market', 'days'))
    assert.deepEqual(b.live.notify!.events, schemaDefault('live', 'notify', 'events'))
  })
})
