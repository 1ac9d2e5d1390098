/**
 * finishBacktest's `whileRecording` (what `--json` streams its document in): it runs while the run
 * is being committed, is given what finishBacktest will return, and never costs the run its record.
 */
import assert from 'node:assert/strict'
import {copyFileSync, existsSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {nextTurn} from '../../src/core/clock.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {finishBacktest, type Finished} from '../../src/results/finish-run.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

/** A spec over the shipped daily index file, with its store in `dir`, imported by a first run. */
async function storedSpec(dir: string): Promise<string> {
  copyFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), path.join(dir, 'idx.csv'))
  const file = path.join(dir, 'bot.yaml')
  writeFileSync(file, `name: idx\nstrategy: {name: sma-cross, params: {fast: 5, slow: 20}}\nsymbols: [IDX]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: idx.csv, db: s.duckdb}\n`)
  await backtestSpecFile({file}) // the import, so the runs below read stored bars
  return file
}

async function runsRecorded(dir: string): Promise<number[]> {
  const store = await openStore({path: path.join(dir, 's.duckdb'), readOnly: true})
  try {
    return (await store.conn.runAndReadAll('SELECT id::DOUBLE AS id FROM runs ORDER BY id')).getRowObjectsJS().map((r) => r.id as number)
  } finally {
    await closeStore(store)
  }
}

describe('finishBacktest: whileRecording', () => {
  it('is given the run id and the report path before the report is written, and returns what finishBacktest returns', async () => {
    const dir = tempDir()
    const file = await storedSpec(dir)
    let seen: Finished | undefined
    let reportThen: boolean | undefined
    const done = await finishBacktest(await backtestSpecFile({file}), {
      defaultReport: true,
      whileRecording: async (f) => {
        seen = f
        reportThen = existsSync(f.report!)
      },
    })
    assert.ok(seen, 'called')
    assert.equal(reportThen, false, 'the report is written only once the run is committed, after this')
    assert.deepEqual(seen, done)
    assert.equal(done.runId, 1)
    assert.ok(existsSync(done.report!))
    assert.deepEqual(await runsRecorded(dir), [1])
  })

  it('fails finishBacktest once the run is recorded and its report written, not before', async () => {
    const dir = tempDir()
    const file = await storedSpec(dir)
    let report: string | undefined
    await assert.rejects(
      finishBacktest(await backtestSpecFile({file}), {
        defaultReport: true,
        whileRecording: async (f) => {
          report = f.report
          throw new Error('stdout went away')
        },
      }),
      /stdout went away/,
    )
    assert.deepEqual(await runsRecorded(dir), [1], 'the run is recorded all the same')
    assert.ok(report && existsSync(report), 'and its report written')
  })

  it('is waited for: finishBacktest settles only after it has', async () => {
    const dir = tempDir()
    const file = await storedSpec(dir)
    let finished = false
    await finishBacktest(await backtestSpecFile({file}), {
      whileRecording: async () => {
        for (let i = 0; i < 50; i++) await nextTurn() // well past the commit's own turns
        finished = true
      },
    })
    assert.equal(finished, true)
  })

  it('runs without a recording too (--no-record): no run id, nothing recorded', async () => {
    const dir = tempDir()
    const file = await storedSpec(dir)
    let seen: Finished | undefined
    const done = await finishBacktest(await backtestSpecFile({file}), {record: false, defaultReport: true, whileRecording: async (f) => void (seen = f)})
    assert.equal(seen?.runId, undefined)
    assert.equal(done.report, undefined)
    assert.deepEqual(await runsRecorded(dir), [])
  })
})
