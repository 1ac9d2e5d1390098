/**
 * Indicator values against published references, to 1e-6.
 *
 * Backtrader: its tests (mementum/backtrader tests/test_ind_*.py) check each indicator on
 * datas/2006-day-001.txt (our examples/data/index-2006-daily.csv, 255 bars) at three checkpoints:
 * the last bar, the first bar with a value (index minperiod − 1), and the bar
 * floor((minperiod − 255) / 2) bars before the last. Values there are printed with '%f', so they
 * are rounded to 6 decimals: we accept |ours − theirs| ≤ 1e-6.
 *
 * OBV and VWAP have no Backtrader indicator: their vectors come from trading-signals' own tests
 * (OBV: Investopedia's example; VWAP: indicatorts' example), checked here to 1e-6 against the
 * exact fractions.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {computeIndicator} from '../../src/rules/indicators/compute.js'
import {readDailyCsv} from './helpers.js'

const bars = readDailyCsv('examples/data/index-2006-daily.csv')

interface Case {
  type: string
  params: Record<string, number>
  minperiod: number
  /** Per output (our order): [last, first, middle] as Backtrader prints them. */
  expected: string[][]
  /** Backtrader file the numbers come from. */
  from: string
  /** Bar of each output's first value when it differs from minperiod (MACD's own line starts at `slow`). */
  first?: number[]
}

const CASES: Case[] = [
  {type: 'sma', params: {period: 30}, minperiod: 30, expected: [['4063.463000', '3644.444667', '3554.693333']], from: 'test_ind_sma.py'},
  {type: 'ema', params: {period: 30}, minperiod: 30, expected: [['4070.115719', '3644.444667', '3581.728712']], from: 'test_ind_ema.py'},
  {type: 'wma', params: {period: 30}, minperiod: 30, expected: [['4076.212366', '3655.193634', '3576.228000']], from: 'test_ind_wma.py'},
  {type: 'rsi', params: {period: 14}, minperiod: 15, expected: [['57.644284', '41.630968', '53.352553']], from: 'test_ind_rsi.py'},
  {
    type: 'macd',
    params: {fast: 12, slow: 26, signal: 9},
    minperiod: 34,
    expected: [
      ['25.821368', '32.469404', '1.772445'],
      ['21.977853', '26.469735', '-2.845646'],
      ['3.843516', '5.999669', '4.618090'],
    ],
    from: 'test_ind_macdhisto.py',
    first: [26, 34, 34],
  },
  {
    type: 'bbands',
    params: {period: 20, stddev: 2},
    minperiod: 20,
    expected: [
      ['4065.884000', '3621.185000', '3582.895500'],
      ['4190.782310', '3712.008864', '3709.453081'],
      ['3940.985690', '3530.361136', '3456.337919'],
    ],
    from: 'test_ind_bbands.py',
  },
  {type: 'atr', params: {period: 14}, minperiod: 15, expected: [['35.866308', '34.264286', '54.329064']], from: 'test_ind_atr.py'},
  {
    type: 'stoch',
    params: {period: 14, k: 3, d: 3},
    minperiod: 18,
    expected: [
      ['88.667626', '21.409626', '63.796187'],
      ['82.845850', '15.710059', '77.642219'],
    ],
    from: 'test_ind_stochastic.py',
  },
  {type: 'highest', params: {period: 14}, minperiod: 14, expected: [['4140.660000', '3671.780000', '3670.750000']], from: 'test_ind_highest.py'},
  {type: 'lowest', params: {period: 14}, minperiod: 14, expected: [['4019.890000', '3570.170000', '3506.070000']], from: 'test_ind_lowest.py'},
  {type: 'roc', params: {period: 12}, minperiod: 13, expected: [['0.016544', '-0.009477', '0.019050']], from: 'test_ind_roc.py'},
]

/** Backtrader's checkpoints [0, -l + mp, (-l + mp) // 2] as indexes from the first bar. */
function checkpoints(length: number, minperiod: number): number[] {
  return [0, -length + minperiod, Math.floor((-length + minperiod) / 2)].map((ago) => length - 1 + ago)
}

test('the data file is the 255 bars Backtrader tests on', () => {
  assert.equal(bars.length, 255)
})

for (const c of CASES) {
  test(`${c.type} matches Backtrader (${c.from})`, () => {
    const outputs = computeIndicator(c.type, c.params, bars)
    const at = checkpoints(bars.length, c.minperiod)
    // The first value appears exactly at minperiod (warm-up is explicit: NaN before it).
    outputs.forEach((out, k) => {
      const first = c.first?.[k] ?? c.minperiod
      assert.ok(Number.isNaN(out[first - 2]), `${c.type}: a value before bar ${first}`)
      assert.ok(!Number.isNaN(out[first - 1]), `${c.type}: no value at bar ${first}`)
    })
    c.expected.forEach((row, k) => {
      row.forEach((want, j) => {
        const got = outputs[k][at[j]]
        assert.ok(Math.abs(got - Number(want)) <= 1e-6, `${c.type} output ${k} at bar ${at[j] + 1}: ${got} vs ${want}`)
      })
    })
  })
}

test('obv matches the Investopedia example (trading-signals test vector)', () => {
  const closes = [10, 10.15, 10.17, 10.13, 10.11, 10.15, 10.2, 10.2, 10.22, 10.21]
  const volumes = [25200, 30000, 25600, 32000, 23000, 40000, 36000, 20500, 23000, 27500]
  const b = barsFromRows('X', 60_000, closes.map((c, i) => ({time: i * 60_000, open: c, high: c, low: c, close: c, volume: volumes[i]})))
  const [obv] = computeIndicator('obv', {}, b)
  assert.ok(Number.isNaN(obv[0]))
  assert.deepEqual([...obv.slice(1)], [30000, 55600, 23600, 600, 40600, 76600, 76600, 99600, 72100])
})

test('vwap matches the indicatorts example (trading-signals test vector) and restarts each day', () => {
  const prices = [9, 11, 7, 10, 8]
  const volumes = [100, 110, 80, 120, 90]
  const b = barsFromRows('X', 60_000, prices.map((p, i) => ({time: i * 60_000, open: p, high: p, low: p, close: p, volume: volumes[i]})))
  const [vwap] = computeIndicator('vwap', {}, b)
  const want = [900 / 100, 2110 / 210, 2670 / 290, 3870 / 410, 4590 / 500]
  want.forEach((w, i) => assert.ok(Math.abs(vwap[i] - w) <= 1e-6, `bar ${i}: ${vwap[i]} vs ${w}`))
  assert.equal(want[4].toFixed(2), '9.18')
  // A bar on the next day starts a new average.
  const two = barsFromRows('X', 60_000, [
    {time: 0, open: 9, high: 9, low: 9, close: 9, volume: 100},
    {time: 86_400_000, open: 20, high: 20, low: 20, close: 20, volume: 50},
  ])
  assert.deepEqual([...computeIndicator('vwap', {}, two)[0]], [9, 20])
})

test('sma is the exact fsum SMA the sma-cross plugin uses', async () => {
  const {SMA} = await import('../../src/indicators/sma.js')
  const s = new SMA(10)
  const ours = computeIndicator('sma', {period: 10}, bars)[0]
  for (let i = 0; i < bars.length; i++) assert.ok(Object.is(s.add(bars.close[i]), ours[i]))
})
