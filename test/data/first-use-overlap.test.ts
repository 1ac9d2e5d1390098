/**
 * A spec's data file on first use: the run starts on the bars read from the import's staged rows
 * while DuckDB stores them (run-spec.ts, `settle`). It must give exactly what a run on the stored
 * bars gives, keep the import's warnings, and leave the store complete, whatever the run does.
 */
import assert from 'node:assert/strict'
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {backtestSpecFile, OVERLAP_MAX_ROWS, prepareBacktest, runPrepared} from '../../src/backtest/run-spec.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {finishBacktest} from '../../src/results/finish-run.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

function specIn(dir: string, extra = ''): string {
  const file = path.join(dir, 'bot.yaml')
  writeFileSync(file, `name: idx\nstrategy: {name: sma-cross, params: {fast: 5, slow: 20}}\nsymbols: [IDX]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: ${path.join(dir, 'idx.csv')}, db: ${path.join(dir, 's.duckdb')}}\n${extra}`)
  return file
}

/** Rows in each of `tables` of the spec's store (opened read-only, closed again). */
async function rowCounts(dir: string, tables: string[]): Promise<Record<string, number>> {
  const store = await openStore({path: path.join(dir, 's.duckdb'), readOnly: true})
  try {
    const counts = tables.map((t) => `(SELECT count(*) FROM ${t})::DOUBLE AS ${t}`).join(', ')
    return (await store.conn.runAndReadAll(`SELECT ${counts}`)).getRowObjectsJS()[0] as Record<string, number>
  } finally {
    await closeStore(store)
  }
}

/** The outcome without what differs between a first and a later use by design. */
const figures = (o: Awaited<ReturnType<typeof backtestSpecFile>>) => ({
  result: {...o.result, equity: {time: Array.from(o.result.equity.time), value: Array.from(o.result.equity.value)}},
  bars: o.bars.map((b) => ({...b, time: Array.from(b.time), close: Array.from(b.close), open: Array.from(b.open)})),
  summary: o.summary,
})

describe('first use of a data file: the run overlaps the import', () => {
  it('gives what the stored bars give, window included, and the import is complete and logged when it returns', async () => {
    assert.ok(OVERLAP_MAX_ROWS >= 255)
    const dir = tempDir('bots-overlap-')
    copyFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), path.join(dir, 'idx.csv'))
    for (const window of ['', 'backtest: {start: 2006-03-01, end: 2006-10-31}\n']) {
      const file = specIn(dir, window)
      const first = await backtestSpecFile({file})
      assert.equal(first.imports[0].action, 'imported')
      const imported = first.imports[0].import
      assert.equal((imported?.new ?? 0) + (imported?.replaced ?? 0), 255, 'the import result is there once the call returns')
      const later = await backtestSpecFile({file})
      assert.equal(later.imports[0].action, 'unchanged')
      assert.deepEqual(figures(first), figures(later))
      assert.ok(first.result.counts.trades > 0)
      if (window) assert.ok(first.bars[0].length < 255 && first.bars[0].length > 100, `${first.bars[0].length} bars in the window`)
      // Re-import on the next loop: the window spec must be a first use again.
      writeFileSync(path.join(dir, 'idx.csv'), readFileSync(path.join(dir, 'idx.csv'), 'utf8') + '\n')
    }
  })

  it('prepareBacktest hands over the staged bars with a settle() that finishes the import; without overlapImport it waits itself', async () => {
    const dir = tempDir('bots-overlap-')
    copyFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), path.join(dir, 'idx.csv'))
    const file = specIn(dir)
    const p = await prepareBacktest({file, overlapImport: true})
    assert.ok(p.settle, 'the overlapping path was taken')
    assert.ok(p.imports[0].written)
    const result = await runPrepared(p)
    await p.settle()
    assert.equal(p.imports[0].import?.new, 255)
    assert.ok(result.counts.trades > 0)
    writeFileSync(path.join(dir, 'idx.csv'), readFileSync(path.join(dir, 'idx.csv'), 'utf8') + '\n')
    const q = await prepareBacktest({file})
    assert.equal(q.settle, undefined)
    assert.equal(q.imports[0].import?.replaced, 255)
  })

  it('keeps the dropped-row warnings of the import', async () => {
    const dir = tempDir('bots-overlap-')
    const lines = readFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), 'utf8').trim().split('\n')
    // A negative volume: the row is dropped and said so.
    lines[10] = lines[10].replace(/,0,0$/, ',-5,0')
    writeFileSync(path.join(dir, 'idx.csv'), lines.join('\n') + '\n')
    const first = await backtestSpecFile({file: specIn(dir)})
    assert.equal(first.imports[0].import?.rejected, 1)
    assert.equal(first.bars[0].length, 254)
    assert.ok(first.warnings.some((w) => w.code === 'data.rejected' && /1 of 255 rows rejected by rule volume/.test(w.message)), JSON.stringify(first.warnings))
  })

  for (const [name, window, bars] of [['', '', 254], [', window included', 'backtest: {start: 2006-01-20, end: 2006-10-31}\n', 199]] as const) {
    it(`a repeated and an out-of-order row: found and dropped though the bars are read before the order check, as the stored run has them${name}`, async () => {
      const dir = tempDir('bots-overlap-')
      const lines = readFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), 'utf8').trim().split('\n')
      lines.splice(21, 0, lines[20]) // row 20 twice: the second is a duplicate
      ;[lines[40], lines[41]] = [lines[41], lines[40]] // the later day first: the earlier one is unsorted
      writeFileSync(path.join(dir, 'idx.csv'), lines.join('\n') + '\n')
      const file = specIn(dir, window)
      const first = await backtestSpecFile({file})
      assert.deepEqual(first.imports[0].import?.files[0].rejectedByRule, {unparsable: 0, nonexistent: 0, price: 0, ohlc: 0, volume: 0, alignment: 0, duplicate: 1, unsorted: 1})
      assert.equal(first.bars[0].length, bars)
      assert.ok(first.bars[0].time.every((t, i, all) => i === 0 || t > all[i - 1]), 'the bars run has strictly increasing times')
      const later = await backtestSpecFile({file})
      assert.equal(later.imports[0].action, 'unchanged')
      assert.deepEqual(figures(first), figures(later))
    })
  }

  it('a run that fails still leaves the file stored and logged', async () => {
    const dir = tempDir('bots-overlap-')
    copyFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), path.join(dir, 'idx.csv'))
    const file = specIn(dir)
    const plugin = path.join(dir, 'boom.ts')
    writeFileSync(plugin, `export default {name: 'boom', description: 'fails on its 30th bar', params: {type: 'object'}, create() { return {onTradingIteration(ctx) { if (ctx.barCount() === 30) throw new Error('boom at bar 30') }} }}\n`)
    writeFileSync(file, readFileSync(file, 'utf8').replace('strategy: {name: sma-cross, params: {fast: 5, slow: 20}}', 'strategy: {name: boom}'))
    await assert.rejects(backtestSpecFile({file, strategies: [dir]}), /boom at bar 30/)
    assert.deepEqual(await rowCounts(dir, ['bars', 'imports']), {bars: 255, imports: 1})
  })

  it('with deferSettle, the results are computed before the import has settled and recorded after it: same report as a later run, warnings kept', async () => {
    const dir = tempDir('bots-overlap-')
    const lines = readFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), 'utf8').trim().split('\n')
    lines[10] = lines[10].replace(/,0,0$/, ',-5,0')
    writeFileSync(path.join(dir, 'idx.csv'), lines.join('\n') + '\n')
    const file = specIn(dir)
    const first = await backtestSpecFile({file, deferSettle: true})
    assert.ok(first.settle, 'the import was still pending when the run returned')
    const done = await finishBacktest(first, {defaultReport: true})
    assert.ok(first.warnings.some((w) => w.code === 'data.rejected'), 'the import\'s warnings are in the outcome once finished')
    const later = await finishBacktest(await backtestSpecFile({file, deferSettle: true}), {defaultReport: true})
    assert.deepEqual([done.runId, later.runId], [1, 2])
    const page = (f: string | undefined, id: number) => readFileSync(f!, 'utf8').replace(` · run ${id}</div>`, ' · run N</div>')
    assert.equal(page(done.report, 1), page(later.report, 2))
    assert.deepEqual(later.metrics, done.metrics)
    assert.deepEqual(await rowCounts(dir, ['bars', 'runs']), {bars: 254, runs: 2})
  })
})
