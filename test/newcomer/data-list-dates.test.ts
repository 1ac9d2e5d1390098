/**
 * Issue 14, item 4 ("Daily bars print as …T05:00:00Z; show them as dates in the market's zone"),
 * in `bots data list` too: the first listing a newcomer sees showed ORCL's daily bars as
 * 1995-01-03T05:00:00Z. Daily series are listed as dates in the zone the symbol was imported in,
 * intraday ones as UTC open times; --json keeps ISO UTC for scripts.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ORCL = path.join(ROOT, 'examples/data/orcl-1995-2014.csv')
const IDX = path.join(ROOT, 'examples/data/index-2006-5min.csv')

describe('bots data list: daily bars as dates (CLI)', () => {
  it('New York, UTC and Tokyo imports of one daily file list the same dates; intraday stays UTC; --json is unchanged', async () => {
    const db = path.join(tempDir('bots-list-dates-'), 'list.duckdb')
    const ok = async (...args: string[]) => {
      const r = await runCli([...args, '--db', db])
      assert.equal(r.code, 0, r.stderr)
      return r
    }
    await ok('data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York')
    await ok('data', 'import', ORCL, '--symbol', 'ORCLUTC')
    await ok('data', 'import', ORCL, '--symbol', 'ORCLTYO', '--tz', 'Asia/Tokyo')
    await ok('data', 'import', IDX, '--symbol', 'IDX', '--time-label', 'close', '--tz', 'Europe/Berlin')

    const text = (await ok('data', 'list')).stdout
    assert.match(text, /^SYMBOL\s+TIMEFRAME\s+FIRST\s+LAST\s+ROWS$/m)
    for (const s of ['ORCL', 'ORCLUTC', 'ORCLTYO']) assert.match(text, new RegExp(`^${s}\\s+1D\\s+1995-01-03\\s+2014-12-31\\s+5,036$`, 'm'))
    assert.match(text, /^IDX\s+5M\s+2006-01-02T08:00:00Z\s+2006-01-30T16:25:00Z\s+2,142$/m)
    assert.doesNotMatch(text, /T05:00:00Z|T15:00:00Z/)

    const json = parseJson(await ok('data', 'list', '--json'))
    const bySymbol = Object.fromEntries(json.map((s: any) => [s.symbol, s]))
    assert.deepEqual([bySymbol.ORCL.first, bySymbol.ORCLUTC.first, bySymbol.ORCLTYO.first], ['1995-01-03T05:00:00Z', '1995-01-03T00:00:00Z', '1995-01-02T15:00:00Z'])
    assert.deepEqual(Object.keys(bySymbol.ORCL), ['symbol', 'timeframe', 'first', 'last', 'rows'])
  })
})
