/**
 * What a backtest warns of, in the terminal (found by an audit): each warning with its location
 * and hint, in the order found, as `--json` lists them (before, the text dropped both and printed
 * them in reverse); and the strategy's own warnings and errors (`ctx.log.warn`/`error`), which
 * before reached `--json` only.
 */
import assert from 'node:assert/strict'
import {cpSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

it('located warnings with hints, in order; the strategy\'s warnings and errors, the first five and a count', async () => {
  const dir = tempDir('bots-bt-warnings-')
  cpSync(path.join(ROOT, 'examples/data'), path.join(dir, 'data'), {recursive: true})
  mkdirSync(path.join(dir, 'plugins'))
  // Says something on each of its first eight bars: seven warnings, then an error. Each is dated
  // by the day of its bar (the iteration runs at the bar's close, the next midnight).
  writeFileSync(path.join(dir, 'plugins', 'talker.js'), `export default {
  name: 'talker',
  description: 'Talks.',
  params: {type: 'object', properties: {}, additionalProperties: false},
  create() {
    return {
      onTradingIteration(ctx) {
        const n = ctx.barCount()
        if (n <= 7) ctx.log.warn('note ' + n)
        else if (n === 8) ctx.log.error('trouble at bar 8')
        else if (n === 9) ctx.log.info('fine again')
      },
    }
  },
}
`)
  // ORCL 1995–2014 and IDX 2006 only, no window: IDX's short span is a warning at /symbols/1, and
  // its holidays (IDX has bars on NYSE holidays) one at /market, found first.
  const spec = path.join(dir, 'two.yaml')
  writeFileSync(spec, `name: two
strategy:
  name: talker
symbols: [ORCL, IDX]
timeframe: 1D
market: NYSE
data:
  source: file
  files:
    ORCL: data/orcl-1995-2014.csv
    IDX: data/index-2006-daily.csv
broker:
  cash: 100000
`)
  const db = path.join(dir, 'store.duckdb')
  const json = parseJson(await runCli(['backtest', spec, '--strategies', 'plugins', '--db', db, '--no-record', '--json'], {cwd: dir})) as {warnings: Array<{file: string; line: number; column: number; path: string; message: string; hint: string}>}
  assert.deepEqual(json.warnings.map((w) => w.path), ['/market', '/symbols/1'])

  const text = await runCli(['backtest', spec, '--strategies', 'plugins', '--db', db, '--no-record'], {cwd: dir})
  assert.equal(text.code, 0, text.stderr)
  const lines = text.stdout.split('\n')
  const expected = json.warnings.flatMap((w) => [`${w.file}:${w.line}:${w.column} warning ${w.path} ${w.message}`, `  hint: ${w.hint}`])
  assert.deepEqual(lines.slice(0, expected.length), expected)
  assert.deepEqual(lines.filter((l) => /^strategy (warning|error) /.test(l)), [
    'strategy warning 1995-01-03 note 1',
    'strategy warning 1995-01-04 note 2',
    'strategy warning 1995-01-05 note 3',
    'strategy warning 1995-01-06 note 4',
    'strategy warning 1995-01-09 note 5',
  ])
  assert.ok(lines.includes('3 more from the strategy: --json has them'), text.stdout)
  assert.ok(!text.stdout.includes('fine again'), 'info lines stay in --json')
})
