/**
 * A value that starts with `!` is a YAML tag, which the parser takes off the value. Found by an
 * audit: `exit: {long: ! (close > fast)}` (the README lists `!` as a negation) validated clean and
 * ran `(close > fast)`, the opposite rule. Every tag but YAML's own is now an error at the `!`.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseYamlText} from '../../src/document/load-yaml.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const parse = (text: string) => parseYamlText('spec.yaml', Buffer.from(text))
const errors = (text: string) => {
  const r = parse(text)
  assert.equal(r.ok, false, text)
  return (r as {diagnostics: Array<{line: number; column: number; code: string; message: string; hint?: string}>}).diagnostics
}

describe('YAML tags in a spec', () => {
  it('`! (…)` and `!name …` are errors at the `!`, saying what the value would read as and how to keep it', () => {
    const [neg] = errors('name: a\nexit: {long: ! (close > fast)}\n')
    assert.deepEqual([neg.line, neg.column, neg.code], [2, 14, 'yaml.tag'])
    assert.match(neg.message, /`!` is a YAML tag here, not part of the value: YAML takes it off and the value reads as "\(close > fast\)"/)
    assert.match(neg.hint!, /quote the whole value to keep the `!`: '! \(close > fast\)'; a rules condition is negated with `not \(…\)`/)
    const [local] = errors('name: a\nentry:\n  long: !fast_up close > fast\n')
    assert.deepEqual([local.line, local.column, local.code], [3, 9, 'yaml.tag'])
    assert.match(local.message, /`!fast_up` is a YAML tag/)
    // On a map or a list too, at the `!` (a block mapping's is on the key's line), and not told to quote it (found by the review).
    assert.equal(errors('name: a\nbroker: !b {cash: 5}\n')[0].code, 'yaml.tag')
    const [block] = errors('name: a\nbroker: !b\n  cash: 5\n')
    assert.deepEqual([block.line, block.column, block.code], [2, 9, 'yaml.tag'])
    assert.equal(block.hint, 'remove the tag: a spec takes plain mappings and lists')
  })

  it('YAML\'s own tags and a quoted `!` are values as written', () => {
    const r = parse("name: !!str 12\nexit: {long: '! (close > fast)'}\nx: \"!y\"\n")
    assert.ok(r.ok)
    assert.deepEqual(r.yaml.value, {name: '12', exit: {long: '! (close > fast)'}, x: '!y'})
  })

  it('a `!` that breaks the YAML itself gets a hint about quoting it, not about indentation', () => {
    const [e] = errors('name: a\nentry:\n  long: !close > 1\n')
    assert.equal(e.code, 'yaml.syntax')
    assert.match(e.hint!, /a value that starts with `!` is read as a YAML tag: quote the whole value \('!close > 1'\)/)
  })

  it('bots validate fails such a rules spec (it validated clean and ran the opposite rule)', async () => {
    const dir = tempDir('bots-yaml-tag-')
    const spec = path.join(dir, 'neg.yaml')
    writeFileSync(spec, 'name: neg\nstrategy:\n  name: rules\n  params:\n    indicators:\n      fast: {type: sma, period: 10}\n    entry: {long: close > fast}\n    exit: {long: ! (close > fast)}\nsymbols: [ORCL]\ntimeframe: 1D\n')
    const r = await runCli(['validate', spec, '--json'])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    const out = parseJson(r)
    const diagnostics = out.files?.[0]?.diagnostics ?? out.diagnostics ?? out.results?.[0]?.diagnostics
    assert.ok(Array.isArray(diagnostics), JSON.stringify(out))
    assert.deepEqual(diagnostics.map((d: {code: string; line: number}) => [d.code, d.line]), [['yaml.tag', 8]])
  })
})
