/** Unknown-key hints (found in review): an expression cut at two commas; a key that is at two places below. */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

type Report = {files: Array<{diagnostics: Array<{path: string; hint?: string}>}>}

async function diagnostics(yaml: string) {
  const dir = tempDir('bots-hint-more-')
  const file = path.join(dir, 'spec.yaml')
  writeFileSync(file, yaml)
  return parseJson<Report>(await runCli(['validate', '--json', file])).files[0].diagnostics
}

it('an expression that commas cut in three: the hint gives back the whole expression, not two of its pieces', async () => {
  const d = await diagnostics(`name: cut3
strategy:
  name: rules
  params:
    indicators:
      fast: {type: ema, period: 10}
      slow: {type: ema, period: 30}
      mid: {type: ema, period: 20}
    entry: {long: close > max(fast, slow, mid)}
    sizing: {type: percent_equity, value: 90}
symbols: [IDX]
timeframe: 1D
market: NYSE
broker: {cash: 100000}
`)
  // By hand: YAML reads the flow mapping as long: "close > max(fast", slow: null, "mid)": null.
  // The expression the user wrote is `close > max(fast, slow, mid)` (once, only its last two
  // pieces were joined: `close > max(fast, mid)`, a different rule, and `slow` got no such hint).
  const cut = d.find((x) => x.path === '/strategy/params/entry/mid)')
  assert.ok(cut?.hint?.includes(`long: 'close > max(fast, slow, mid)'`), cut?.hint)
  // The middle piece, with no parenthesis of its own, is told the same.
  const middle = d.find((x) => x.path === '/strategy/params/entry/slow')
  assert.equal(middle?.hint, cut?.hint)
})

it('`start:` at the top level is pointed to backtest.start, as `end:` is pointed to backtest.end', async () => {
  const spec = (key: string) => `name: x
strategy:
  name: sma-cross
  params: {fast: 10, slow: 30}
symbols: [ORCL]
timeframe: 1D
market: NYSE
broker: {cash: 1000}
${key}: 2006-01-02
`
  const end = (await diagnostics(spec('end'))).find((x) => x.path === '/end')
  assert.equal(end?.hint, 'did you mean `backtest.end`? (`end` goes under `backtest`)')
  // By hand: `start` exists two levels down twice (backtest.start, live.feed.start): both are
  // named (once, with two places, there was no hint at all).
  const start = (await diagnostics(spec('start'))).find((x) => x.path === '/start')
  assert.match(start?.hint ?? '(no hint)', /backtest\.start/)
})
