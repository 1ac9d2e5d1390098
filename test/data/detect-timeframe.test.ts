/**
 * The timeframe guess counts the spacings of a file's first times in JS (mostCommonStep). It must
 * pick what a DuckDB window query picks: the most common whole-second distance (a file may run
 * newest first) between consecutive rows in file order, the smaller one on a tie, unreadable
 * times and repeats skipped.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {DuckDBInstance} from '@duckdb/node-api'
import {mostCommonStep} from '../../src/data/detect-timeframe.js'

/** The window query, over the times given in file order. */
async function windowQueryStep(conn: Awaited<ReturnType<DuckDBInstance['connect']>>, times: (number | null)[]): Promise<number | undefined> {
  if (times.length === 0) return undefined
  const rows = times.map((t, i) => `(${i}, ${t === null ? 'NULL' : `${t}::DOUBLE`})`).join(', ')
  const r = await conn.runAndReadAll(
    `WITH t AS (SELECT * FROM (VALUES ${rows}) v(row, ms)),
     d AS (SELECT abs(ms - lag(ms) OVER (ORDER BY row)) AS step FROM t)
     SELECT step FROM d WHERE step > 0 AND step % 1000 = 0 GROUP BY step ORDER BY count(*) DESC, step LIMIT 1`,
  )
  const best = r.getRowObjectsJS()[0]
  return best === undefined ? undefined : Number(best.step)
}

describe('mostCommonStep', () => {
  it('a minute file with a gap and a repeat: 1 minute', () => {
    const m = 60_000
    assert.equal(mostCommonStep([0, m, 2 * m, 2 * m, 5 * m, 6 * m, null, 7 * m, 8 * m]), m)
  })

  it('daily bars over weekends: 1 day, not 3', () => {
    const d = 86_400_000
    const weekdays = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14].map((k) => k * d)
    assert.equal(mostCommonStep(weekdays), d)
  })

  it('a newest-first file: its spacing, as oldest first', () => {
    assert.equal(mostCommonStep([5000, 4000, 3000, 1000]), 1000)
  })

  it('no step (one time, repeats, sub-second steps): none', () => {
    assert.equal(mostCommonStep([1000]), undefined)
    assert.equal(mostCommonStep([5000, 5000, 5000]), undefined)
    assert.equal(mostCommonStep([0, 500, 1000.5]), undefined)
    assert.equal(mostCommonStep([]), undefined)
  })

  it('agrees with the window query (random times, nulls, ties, falls)', async () => {
    const instance = await DuckDBInstance.create(':memory:')
    const conn = await instance.connect()
    try {
      // Steps from a small set, so ties and repeats are common; some not whole seconds, some negative.
      const step = fc.constantFrom(0, 1000, 2000, 60_000, 60_000, 300_000, -60_000, 1500, 86_400_000)
      const times = fc.array(fc.option(step, {nil: null, freq: 8}), {maxLength: 40}).map((steps) => {
        let t = 1_700_000_000_000
        return steps.map((s) => (s === null ? null : (t += s)))
      })
      await fc.assert(
        fc.asyncProperty(times, async (ts) => {
          assert.equal(mostCommonStep(ts), await windowQueryStep(conn, ts))
        }),
        {numRuns: 300},
      )
    } finally {
      conn.closeSync()
      instance.closeSync()
    }
  })
})
