/**
 * Errors after and inside scalars whose text is not their value (escapes, strings over several
 * lines, block scalars) name the line and column of the character at fault. An error at character
 * N of a string was placed N characters after the string's start in the text, so every escape and
 * every line folded into a space moved it earlier: to the wrong column, or a line or more too
 * early. Syntax errors looked back for the last quote or bracket in the text, which could belong
 * to a different string (the apostrophe in an earlier "it's", an escaped `\"`, a `[` in a string).
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseYamlText} from '../../src/document/load-yaml.js'
import {locateInScalar, type PathSegment} from '../../src/document/locate.js'
import {validateSpecFile} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {tempDir} from '../helpers/tmp.js'

let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: process.cwd()})
})

const dir = tempDir('bots-multiline-')
let n = 0
async function diagnostics(lines: string[], eol = '\n', bom = '') {
  const file = path.join(dir, `spec-${n++}.yaml`)
  writeFileSync(file, bom + lines.join(eol) + eol)
  return (await validateSpecFile(file, {discovery})).diagnostics.map((d) => [d.line, d.column, d.code, d.path, d.message])
}

/** An inline rules bot whose `entry.long` is `long` (lines 8 on), after a two-line description. */
const rulesBot = (long: string[]) => [
  'name: x',
  'description: "a\\n',
  '  b"',
  'strategy:',
  '  name: rules',
  '  params:',
  '    entry:',
  ...long,
  'symbols: [IDX]',
  'timeframe: 1D',
]
const BOGUS = ['rules.unknown_name', '/strategy/params/entry/long', 'unknown name `bogus`']

describe('an expression error inside a string, after a two-line double-quoted description', () => {
  it('double-quoted over two lines: the later line, its column', async () => {
    const long = ['      long: "close > open and', '        close > 1 and bogus > 2"']
    assert.deepEqual(await diagnostics(rulesBot(long)), [[9, 23, ...BOGUS]])
  })

  it('plain over three lines: the third line, not the second', async () => {
    const long = ['      long: close > open', '        and close > 1', '        and bogus > 2']
    assert.deepEqual(await diagnostics(rulesBot(long)), [[10, 13, ...BOGUS]])
  })

  it('single-quoted with a blank line folded into a newline', async () => {
    const long = ["      long: 'close > open and", '', "        bogus > 2'"]
    assert.deepEqual(await diagnostics(rulesBot(long)), [[10, 9, ...BOGUS]])
  })

  it('an escape (`\\t`) and an escaped line break (`\\` at the end of a line)', async () => {
    const long = ['      long: "close\\t> open and \\', '        bogus > 2"']
    assert.deepEqual(await diagnostics(rulesBot(long)), [[9, 9, ...BOGUS]])
  })

  it('escapes on one line: the column after them', async () => {
    const long = ['      long: "close\\t>\\topen and\\tbogus > 2"']
    assert.deepEqual(await diagnostics(rulesBot(long)), [[8, 34, ...BOGUS]])
  })

  for (const [name, eol, bom] of [['CRLF line endings', '\r\n', ''], ['a byte-order mark', '\n', '\ufeff'], ['both', '\r\n', '\ufeff']] as const) {
    it(`with ${name}`, async () => {
      const long = ['      long: "close > open and', '        close > 1 and bogus > 2"']
      assert.deepEqual(await diagnostics(rulesBot(long), eol, bom), [[9, 23, ...BOGUS]])
      const plain = ['      long: close > open', '        and close > 1', '        and bogus > 2']
      assert.deepEqual(await diagnostics(rulesBot(plain), eol, bom), [[10, 13, ...BOGUS]])
    })
  }

  it("a strategy spec's check condition over two lines", async () => {
    const spec = [
      'kind: strategy',
      'name: demo',
      'description: "Two SMAs,\\n',
      '  crossing."',
      'params:',
      '  fast: {type: integer, default: 10}',
      '  slow: {type: integer, default: 30}',
      'checks:',
      '  - condition: fast < slow and',
      '      fast > 0 and nope > 1',
      '    message: fast below slow',
      'rules:',
      '  indicators:',
      '    a: {type: sma, period: "${fast}"}',
      '    b: {type: sma, period: "${slow}"}',
      '  entry:',
      '    long: crosses_above(a, b)',
    ]
    assert.deepEqual(await diagnostics(spec), [[10, 20, 'checks.expression', '/checks/0/condition', '`nope` is not a parameter of this strategy']])
  })

  it('schema errors after multi-line scalars of every kind stay on their lines', async () => {
    const spec = [
      'name: x',
      'description: "a\\n',
      '',
      '  b \\',
      '  c"',
      'strategy:',
      '  name: sma-cross',
      '  params:',
      '    fast: 10',
      '    slow: 30',
      'symbols: [AAPL,',
      '  SPY]',
      "timeframe: '1D",
      "  '",
      'bogus: |',
      '  one',
      '  two',
      'market: NYSE',
    ]
    for (const eol of ['\n', '\r\n']) {
      assert.deepEqual(await diagnostics(spec, eol, '\ufeff'), [
        [13, 12, 'schema.pattern', '/timeframe', '`timeframe` has the wrong form'],
        [15, 1, 'schema.unknown_key', '/bogus', 'unknown key `bogus`'],
      ])
    }
  })
})

describe('locateInScalar: each character of every scalar style', () => {
  const lines = [
    'plain: one two',
    '  three',
    '',
    '  four',
    'double: "a\\tb \\"c\\" \\\\ d\\u00e9 e\\n',
    '  f \\',
    '  g',
    '',
    '  h  "',
    "single: 'i''j",
    '  k',
    '',
    "  l'",
    'literal: |2',
    '    m n',
    '   o',
    '  p',
    '',
    'folded: >-',
    '  q',
    '  r',
    '',
    '    s',
    '  t',
    'flow: [u v',
    '  w, {x: "y',
    '  z"}]',
  ]
  const paths: PathSegment[][] = [['plain'], ['double'], ['single'], ['literal'], ['folded'], ['flow', 0], ['flow', 1, 'x']]
  for (const [name, eol, bom] of [['LF', '\n', ''], ['CRLF', '\r\n', ''], ['a BOM and CRLF', '\r\n', '\ufeff']] as const) {
    it(`with ${name}: every letter of each value is found at its line and column`, () => {
      const text = lines.join(eol) + eol
      const r = parseYamlText('spec.yaml', Buffer.from(bom + text))
      assert.ok(r.ok)
      // The values, to be sure of what is checked: folds, escapes, indentation kept and dropped.
      assert.deepEqual(r.yaml.value, {
        plain: 'one two three\nfour',
        double: 'a\tb "c" \\ d\u00e9 e\n f g\nh  ',
        single: "i'j k\nl",
        literal: '  m n\n o\np\n',
        folded: 'q r\n\n  s\nt',
        flow: ['u v w', {x: 'y z'}],
      })
      const shown = text.split('\n') // as an editor shows it: the BOM is not a column
      for (const p of paths) {
        const value: string = String(r.yaml.doc.getIn(p))
        for (let i = 0; i < value.length; i++) {
          if (!/[a-z]/.test(value[i])) continue
          const pos = locateInScalar(r.yaml.doc, r.yaml.lineCounter, p, i)
          assert.equal(shown[pos.line - 1]?.[pos.column - 1], value[i], `${p.join('.')}[${i}] of ${JSON.stringify(value)} at ${pos.line}:${pos.column}`)
        }
      }
    })
  }

  it('the end of the value is just after its last character', () => {
    const r = parseYamlText('spec.yaml', Buffer.from('a: "x\n  yz"\n'))
    assert.ok(r.ok)
    assert.deepEqual(locateInScalar(r.yaml.doc, r.yaml.lineCounter, ['a'], 4), {line: 2, column: 5})
  })
})

describe('syntax errors point at their own line, not at an earlier quote or bracket', () => {
  it("a key without `:` after a value with an apostrophe (it's)", async () => {
    const spec = ['name: x', "description: it's mine", 'strategy:', '  name: sma-cross', 'symbols: [AAPL]', 'timeframe: 1D', 'oops']
    assert.deepEqual(await diagnostics(spec), [[7, 1, 'yaml.syntax', undefined, 'Implicit map keys need to be followed by map values']])
  })

  it('an unclosed double quote whose string has an escaped quote on a later line: the opening quote', async () => {
    const spec = ['name: x', 'description: "one', '  \\"two\\"', 'strategy:', '  name: sma-cross', 'symbols: [AAPL]', 'timeframe: 1D']
    assert.deepEqual(await diagnostics(spec), [[2, 14, 'yaml.syntax', undefined, 'Missing closing "quote']])
  })

  it('an unclosed list with a `[` inside a string on a later line: the opening bracket', async () => {
    const spec = ['name: x', 'strategy:', '  name: sma-cross', 'symbols: [AAPL,', '  "SP[X]",', '  SPY', 'timeframe: 1D']
    assert.deepEqual(await diagnostics(spec), [[4, 10, 'yaml.syntax', undefined, 'Flow sequence in block collection must be sufficiently indented and end with a ]']])
  })
})
