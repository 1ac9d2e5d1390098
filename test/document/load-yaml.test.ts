import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {MAX_SPEC_BYTES, loadYamlFile, parseYamlText} from '../../src/document/load-yaml.js'
import {tempDir} from '../helpers/tmp.js'

const parse = (text: string) => parseYamlText('spec.yaml', Buffer.from(text))
const firstError = (text: string) => {
  const r = parse(text)
  assert.equal(r.ok, false)
  return (r as {diagnostics: any[]}).diagnostics[0]
}

describe('loadYamlFile', () => {
  it('keeps source positions for a valid mapping', () => {
    const r = parse('name: a\nsymbols: [X, Y]\n')
    assert.ok(r.ok)
    assert.deepEqual(r.yaml.value, {name: 'a', symbols: ['X', 'Y']})
  })

  it('keeps YAML 1.2 semantics: dates and yes/no stay strings', () => {
    const r = parse('start: 2006-01-02\nflag: yes\n')
    assert.ok(r.ok)
    assert.deepEqual(r.yaml.value, {start: '2006-01-02', flag: 'yes'})
  })

  it('points an unclosed quote at the opening quote', () => {
    const d = firstError("name: 'abc\nx: 1\n")
    assert.deepEqual([d.line, d.column, d.code], [1, 7, 'yaml.syntax'])
  })

  it('points a bad indentation at the misaligned key', () => {
    const d = firstError('a:\n  b: 1\n c: 2\n')
    assert.deepEqual([d.line, d.code], [3, 'yaml.syntax'])
  })

  it('reports a duplicate key at the second occurrence', () => {
    const d = firstError('a: 1\nb: 2\na: 3\n')
    assert.deepEqual([d.line, d.column, d.code], [3, 1, 'yaml.duplicate_key'])
  })

  it('stops an alias bomb before expanding it', () => {
    // 10^9 strings if expanded: only the alias cap gets this far (the test would never end without it).
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(',')}]`)
    const d = firstError(levels.join('\n') + '\n')
    assert.equal(d.code, 'yaml.alias_bomb')
  })

  it('rejects scalars and lists at the top level', () => {
    assert.equal(firstError('just text\n').code, 'yaml.not_mapping')
    assert.equal(firstError('- a\n- b\n').code, 'yaml.not_mapping')
    assert.equal(firstError('42\n').code, 'yaml.not_mapping')
  })

  it('rejects empty and comment-only files', () => {
    assert.equal(firstError('').code, 'yaml.empty')
    assert.equal(firstError('\n\n   \n').code, 'yaml.empty')
    assert.equal(firstError('# a\n  # b\n').code, 'yaml.empty')
  })

  // regression: the comment-only check was one regular expression with nested quantifiers; 18
  // leading comment lines took 87 s and 50,000 never finished (a hang here fails the run).
  it('reads a spec after 100,000 comment lines and 100,000 blank lines, and a file of only those', () => {
    const comments = '# reviewed\n'.repeat(100_000) + '\n'.repeat(100_000)
    assert.equal(firstError(comments).code, 'yaml.empty')
    const r = parseYamlText('x.yaml', Buffer.from(`${comments}name: x\n`))
    assert.ok(r.ok)
  })

  it('rejects several documents, pointing at the second', () => {
    const d = firstError('a: 1\n---\nb: 2\n')
    assert.deepEqual([d.code, d.line], ['yaml.multiple_documents', 2])
  })

  it('locates invalid UTF-8 at the offending byte', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nname: caf'), Buffer.from([0xe9, 0x0a])])
    const r = parseYamlText('x.yaml', bytes)
    assert.equal(r.ok, false)
    const d = (r as any).diagnostics[0]
    assert.deepEqual([d.code, d.line, d.column], ['file.encoding', 2, 10])
  })

  it('refuses files over the size limit, folders, and missing files without throwing', async () => {
    const dir = tempDir()
    const big = path.join(dir, 'big.yaml')
    writeFileSync(big, 'a: ' + 'x'.repeat(MAX_SPEC_BYTES) + '\n')
    const sub = path.join(dir, 'folder.yaml')
    mkdirSync(sub)
    const codes = []
    for (const f of [big, sub, path.join(dir, 'missing.yaml')]) {
      const r = await loadYamlFile(f)
      assert.equal(r.ok, false)
      codes.push((r as any).diagnostics[0].code)
    }
    assert.deepEqual(codes, ['file.too_large', 'file.directory', 'file.unreadable'])
  })
})
