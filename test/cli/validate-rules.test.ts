import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

// Declarative strategies through `bots validate`: problems are located inside expression
// strings, strategy specs are checked on their own, and a bot naming a broken spec by path says so.
describe('bots validate with rules and strategy specs (real CLI)', () => {
  const dir = tempDir()
  writeFileSync(path.join(dir, 'inline.yaml'), [
    'name: inline',
    'strategy:',
    '  name: rules',
    '  params:',
    '    indicators:',
    '      fast: {type: sma, period: 10}',
    '    entry:',
    '      long: "crosses_above(fast, slwo)"',
    '    exit:',
    '      long: "close[-1] > fast"',
    'symbols: [X]',
    'timeframe: 1D',
    '',
  ].join('\n'))
  writeFileSync(path.join(dir, 'strat.yaml'), 'kind: strategy\nname: broken-strat\nrules:\n  entry:\n    long: "rsi(close) > 3"\n')
  writeFileSync(path.join(dir, 'via-path.yaml'), 'name: via-path\nstrategy:\n  path: strat.yaml\nsymbols: [X]\ntimeframe: 1D\n')

  it('locates inline rules errors at the character inside the YAML string', async () => {
    const r = parseJson(await runCli(['validate', path.join(dir, 'inline.yaml'), '--json']))
    assert.deepEqual(r.files[0].diagnostics.map((d: any) => [d.line, d.column, d.path]), [
      [8, 34, '/strategy/params/entry/long'],
      [10, 20, '/strategy/params/exit/long'],
    ])
    assert.match(r.files[0].diagnostics[1].message, /future bar/)
  })

  it('checks a strategy spec file on its own and reports it from a bot that names it by path', async () => {
    const r = parseJson(await runCli(['validate', path.join(dir, 'strat.yaml'), path.join(dir, 'via-path.yaml'), '--json']))
    const [strat, bot] = r.files
    assert.deepEqual([strat.kind, strat.diagnostics[0].line, strat.diagnostics[0].column], ['strategy', 5, 12])
    assert.deepEqual([bot.kind, bot.diagnostics[0].path, bot.diagnostics[0].code], ['bot', '/strategy/path', 'strategy.spec_invalid'])
  })

  it('a bot naming a valid strategy spec by path validates its params against the spec', async () => {
    writeFileSync(path.join(dir, 'ok-strat.yaml'), 'kind: strategy\nname: ok-strat\nparams:\n  period: {type: integer, default: 20, minimum: 2}\nrules:\n  indicators:\n    ma: {type: sma, period: "${period}"}\n  entry:\n    long: close > ma\n')
    writeFileSync(path.join(dir, 'ok-bot.yaml'), 'name: ok-bot\nstrategy:\n  path: ok-strat.yaml\n  params: {period: 1}\nsymbols: [X]\ntimeframe: 1D\n')
    const r = parseJson(await runCli(['validate', path.join(dir, 'ok-bot.yaml'), '--json']))
    assert.equal(r.files[0].valid, false)
    assert.deepEqual([r.files[0].diagnostics[0].line, r.files[0].diagnostics[0].path], [4, '/strategy/params/period'])
  })
})
