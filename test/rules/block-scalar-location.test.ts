/**
 * A rules error inside a `|` or `>` block scalar names the line and column of the bad token, through
 * the real `bots validate`. It used to name the scalar's `|`/`>` indicator instead, because
 * counting the value's characters from the scalar's start did not land on the token: the value
 * drops each line's indentation and the header line, and `>` folds line breaks into spaces.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-block-scalar-')
let n = 0

/** `[line, column, code, path]` of every problem `bots validate --json` reports in `lines`. */
async function located(lines: string[]): Promise<Array<[number, number, string, string]>> {
  const file = path.join(dir, `spec-${n++}.yaml`)
  writeFileSync(file, lines.join('\n') + '\n')
  const r = await runCli(['validate', file, '--json'])
  assert.equal(r.code, 1, r.stdout + r.stderr)
  return parseJson(r).files[0].diagnostics.map((d: {line: number; column: number; code: string; path: string}) => [d.line, d.column, d.code, d.path])
}

/** 1-based line and column of `token`, which must occur once in `lines`: where an editor shows it. */
function at(lines: string[], token: string): [number, number] {
  const hits = lines.flatMap((l, i) => (l.includes(token) ? [[i + 1, l.indexOf(token) + 1] as [number, number]] : []))
  assert.equal(hits.length, 1, `${token} once in the spec`)
  return hits[0]!
}

/** An inline rules bot whose `entry.long` is `long` (line 6 on). */
const rulesBot = (long: string[]) => ['name: x', 'strategy:', '  name: rules', '  params:', '    entry:', ...long, 'symbols: [IDX]', 'timeframe: 1D']
const ENTRY = ['rules.unknown_name', '/strategy/params/entry/long'] as const

describe('bots validate: an error inside a block scalar is at its token', () => {
  it('`|` literal: the later line, past its extra indentation', async () => {
    const spec = rulesBot(['      long: |', '        close > open', '          and bogus > 2'])
    assert.deepEqual(at(spec, 'bogus'), [8, 15])
    assert.deepEqual(await located(spec), [[8, 15, ...ENTRY]])
  })

  it('`>` folded: lines folded into spaces and a blank line kept as a newline', async () => {
    const spec = rulesBot(['      long: >', '        close > open', '        and close > 1', '', '        and bogus > 2'])
    assert.deepEqual(at(spec, 'bogus'), [10, 13])
    assert.deepEqual(await located(spec), [[10, 13, ...ENTRY]])
  })

  it('`|2-`: an indentation indicator, strip chomping and a comment on the header line', async () => {
    const spec = rulesBot(['      long: |2- # entry', '           close > open', '          and bogus > 2'])
    assert.deepEqual(at(spec, 'bogus'), [8, 15])
    assert.deepEqual(await located(spec), [[8, 15, ...ENTRY]])
  })

  it("a strategy spec: `>-` in rules and `|` in a check's condition", async () => {
    const spec = [
      'kind: strategy',
      'name: demo',
      'params:',
      '  fast: {type: integer, default: 10}',
      'checks:',
      '  - condition: |',
      '      fast > 0 and',
      '      nope > 1',
      'rules:',
      '  indicators:',
      '    a: {type: sma, period: "${fast}"}',
      '  entry:',
      '    long: >-',
      '      close > a',
      '      and clsoe > 1',
    ]
    assert.deepEqual([at(spec, 'nope'), at(spec, 'clsoe')], [[8, 7], [15, 11]])
    assert.deepEqual(await located(spec), [
      [8, 7, 'checks.expression', '/checks/0/condition'],
      [15, 11, 'rules.unknown_name', '/rules/entry/long'],
    ])
  })

  it('the text report names the same file:line:column', async () => {
    const spec = rulesBot(['      long: >', '        close > open', '        and bogus > 2'])
    const file = path.join(dir, 'text.yaml')
    writeFileSync(file, spec.join('\n') + '\n')
    const r = await runCli(['validate', file])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.ok(r.stdout.includes(`${file}:8:13 error /strategy/params/entry/long unknown name \`bogus\``), r.stdout)
  })
})
