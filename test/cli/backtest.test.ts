import assert from 'node:assert/strict'
import {copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const golden = (name: string) => JSON.parse(readFileSync(`${ROOT}test/golden/backtrader/${name}.json`, 'utf8'))
const nyDate = (t: number) => new Intl.DateTimeFormat('en-CA', {timeZone: 'America/New_York'}).format(t)
const cents = (v: number) => Math.round(v * 100) / 100
// The Backtrader agreement case (10 shares a trade) as its own spec; the shipped example sizes by percent.
const AGREEMENT = 'test/golden/backtrader/orcl-sma10-30-comm0.1.yaml'

describe('bots backtest (real CLI)', () => {
  const db = path.join(tempDir(), 'store.duckdb')
  let shipped: any // the daily example's --json output, shared by the tests below

  it('runs the Backtrader agreement spec and agrees with Backtrader to the cent (0.1% commission)', async () => {
    const r = await runCli(['backtest', AGREEMENT, '--db', db, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = (shipped = parseJson(r))
    const ref = golden('orcl-sma10-30-comm0.1')
    assert.equal(out.counts.bars, ref.bars)
    assert.equal(out.fills.length, ref.orders.length)
    out.fills.forEach((f: any, i: number) => {
      const o = ref.orders[i]
      assert.deepEqual(
        [nyDate(f.time), f.side, f.quantity, f.price, cents(f.commission)],
        [o.datetime.slice(0, 10), o.side, Math.abs(o.size), o.price, cents(o.commission)],
        `fill ${i}`,
      )
    })
    assert.equal(cents(out.finalValue), cents(ref.final.value))
    assert.equal(cents(out.finalCash), cents(ref.final.cash))
    assert.equal(out.imports[0].action, 'imported')
  })

  it('imports a file source on first use, not again while the file is unchanged', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'data'))
    copyFileSync(`${ROOT}examples/data/index-2006-daily.csv`, path.join(dir, 'data/idx.csv'))
    const spec = path.join(dir, 'bot.yaml')
    writeFileSync(spec, 'name: idx\nstrategy: {name: sma-cross}\nsymbols: [IDX]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: data/idx.csv}\n')
    const run = async () => {
      const r = await runCli(['backtest', spec, '--json'], {cwd: dir})
      assert.equal(r.code, 0, r.stdout + r.stderr)
      return parseJson(r)
    }
    const first = await run()
    assert.deepEqual([first.imports[0].action, first.counts.bars], ['imported', 255])
    assert.equal((await run()).imports[0].action, 'unchanged')
    assert.ok(existsSync(path.join(dir, '.bots', 'bots.duckdb')), 'no --db: the store in the working folder')
    // A changed file (or a changed way of reading it) is imported again: ensure-file-data.test.ts.
  })

  it('flags override the window, cash and params; bad overrides are located errors', async () => {
    const base = shipped
    const r = parseJson(await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--json', '--start', '2010-01-01', '--end', '2010-12-31', '--cash', '5000', '--param', 'fast=5', '--param', 'slow=20']))
    assert.equal(r.initialCash, 5000)
    assert.equal(nyDate(r.equity.time[0]), '2010-01-04') // first session of 2010
    assert.equal(nyDate(r.equity.time[r.equity.time.length - 1]), '2010-12-31')
    assert.ok(r.counts.bars === 252, `bars ${r.counts.bars}`)
    assert.notEqual(r.counts.fills, base.counts.fills)
    const bad = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--param', 'fast=40'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /--param fast: fast \(40\) must be smaller than slow \(30\)/)
  })

  it('a non-numeric --cash is a usage error; a sweep whose every combination is invalid fails', async () => {
    const cash = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--cash', 'abc'])
    assert.equal(cash.code, 2)
    assert.match(cash.stderr, /--cash abc: expected a positive number/)
    // So is any flag value that does not parse (these exited 1, as an invalid spec does).
    for (const [flag, value, said] of [['--risk-free', 'abc', /--risk-free abc is not a rate/], ['--start', '2010-13-01', /--start 2010-13-01: not a valid date/], ['--end', '2010-02-30', /--end 2010-02-30: not a valid date/]] as const) {
      const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, flag, value])
      assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`)
      assert.match(r.stderr, said)
    }
    const sweep = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-record', '--sweep', 'fast=40,50'])
    assert.equal(sweep.code, 1, sweep.stdout)
    assert.match(sweep.stdout, /0 ran .* 2 skipped as invalid/)
    // Said where errors go too (a terminal's progress line ends with a ✔ before it).
    assert.match(sweep.stderr, /^error: the sweep ran nothing: every one of the 2 combinations is invalid for the strategy\n  hint: /m)
  })

  it('an invalid spec stops before any work with the located error and no stack trace', async () => {
    const r = await runCli(['backtest', 'examples/invalid/unknown-key.yaml', '--db', db])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /examples\/invalid\/unknown-key\.yaml:6:1 error \/brokr: unknown key `brokr`/)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })

  it('a store-backed spec with no bars for its symbol says what the store holds', async () => {
    const dir = tempDir()
    const spec = path.join(dir, 'bot.yaml')
    writeFileSync(spec, 'name: nodata\nstrategy: {name: sma-cross}\nsymbols: [NOPE]\ntimeframe: 1D\n')
    const r = await runCli(['backtest', spec, '--db', db])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stderr, /NOPE/)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })

  it('the text summary shows the period in market dates and the headline figures', async () => {
    const r = await runCli(['backtest', AGREEMENT, '--db', db])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /period\s+1995-01-03 → 2014-12-31/)
    assert.match(r.stdout, /final equity\s+100,230\.23/)
    assert.match(r.stdout, /trades\s+97 closed, 1 position open at the end/)
  })
})
