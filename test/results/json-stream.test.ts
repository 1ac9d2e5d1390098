import assert from 'node:assert/strict'
import {Writable} from 'node:stream'
import {describe, it} from 'node:test'
import {localToUtc, localDateOf} from '../../src/calendar/index.js'
import {dailyLastIndices, equityJson, equityResolution, FULL_EQUITY_MAX_BARS} from '../../src/results/backtest-json.js'
import {ElementsOnDemand, OutputClosedError, writeJson, writeJsonHeld} from '../../src/results/json-stream.js'

/** A Writable that keeps what it is given; `delayMs` makes it slow (a reader behind a pipe). */
function collector(opts: {highWaterMark?: number; delayMs?: number} = {}) {
  const chunks: string[] = []
  let maxBuffered = 0
  let drains = 0
  const stream = new Writable({
    highWaterMark: opts.highWaterMark ?? 16 * 1024,
    decodeStrings: false,
    write(chunk: string, _enc, cb) {
      chunks.push(chunk)
      if (opts.delayMs) setTimeout(cb, opts.delayMs)
      else cb()
    },
  })
  const write = stream.write.bind(stream)
  stream.write = ((chunk: any, ...rest: any[]) => {
    const ok = write(chunk, ...rest)
    maxBuffered = Math.max(maxBuffered, stream.writableLength)
    return ok
  }) as typeof stream.write
  stream.on('drain', () => drains++)
  return {stream, text: () => chunks.join(''), stats: () => ({maxBuffered, drains, writes: chunks.length})}
}

async function streamed(value: unknown): Promise<string> {
  const c = collector()
  await writeJson(c.stream, value)
  return c.text()
}

class Money {
  constructor(readonly cents: number) {}
  toJSON(key: string) {
    return {amount: this.cents / 100, key}
  }
}

describe('json-stream: writeJson', () => {
  it('parses to what JSON.stringify gives: numbers, strings, nesting, toJSON, skipped keys', async () => {
    const value = {
      a: 1,
      b: -0,
      c: [NaN, Infinity, -Infinity, 1e21, 1e-7, 0.1 + 0.2, 5e-324, Number.MAX_VALUE],
      s: 'line\nbreak "quoted" \\ tab\t unicode é 😀 \u2028',
      u: undefined,
      f: () => 1,
      n: null,
      t: true,
      d: new Date(Date.UTC(2020, 0, 2)),
      m: new Money(1234),
      empty: {},
      none: [],
      nested: {deep: {deeper: [1, {x: [2, 3]}, 'z']}},
      long: Array.from({length: 500}, (_, i) => ({i, v: i / 7, tag: i % 3 ? undefined : `t${i}`, m: new Money(i), arr: [i, null]})),
      longNumbers: Array.from({length: 200}, (_, i) => i * 0.1),
      sparse: [undefined, () => 1, Symbol('x')],
      longSparse: Array.from({length: 100}, (_, i) => (i % 2 ? undefined : i)),
    }
    const text = await streamed(value)
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)))
    assert.ok(text.endsWith('}\n'))
  })

  it('writes top-level scalars, arrays and null as JSON.stringify does', async () => {
    for (const v of [null, 0, -1.5, 'x', true, [], {}, [1, [2, [3]]], NaN]) {
      assert.deepEqual(JSON.parse(await streamed(v)), JSON.parse(JSON.stringify(v)), String(v))
    }
  })

  it('writes elements made on demand exactly as the array of those elements, text for text, making each once', async () => {
    // Records (runs of them stringified at once), a record whose value holds `},{`, toJSON, values JSON leaves out, nested arrays.
    const element = (i: number): unknown =>
      i % 97 === 5 ? {odd: 'a},{b'} : i % 89 === 3 ? new Money(i) : i % 83 === 1 ? undefined : i % 79 === 2 ? [i, {x: i}] : {i, v: i / 7, s: `r${i}`, n: i % 5 ? -0 : NaN}
    // Whole arrays are made (toJSON) only where JSON.stringify writes them: not for the list itself.
    let whole = 0
    class Counted extends ElementsOnDemand {
      override toJSON(): unknown[] {
        whole++
        return super.toJSON()
      }
    }
    for (const length of [0, 1, 64, 65, 3000]) {
      let made = 0
      const onDemand = new Counted(length, (i) => (made++, element(i)))
      const array = Array.from({length}, (_, i) => element(i))
      const doc = (list: unknown) => ({before: 1, list, after: [list]})
      const expected = await streamed(doc(array))
      made = 0
      whole = 0
      assert.equal(await streamed(doc(onDemand)), expected, `${length} elements`)
      assert.equal(whole, length <= 64 ? 2 : 1, 'the list is written element by element')
      // Once for the list, and once more where it sits inside an array (written by JSON.stringify through toJSON).
      assert.equal(made, 2 * length)
      assert.equal(JSON.stringify(doc(onDemand)), JSON.stringify(doc(array)))
    }
  })

  it('writes typed arrays as arrays of their numbers, each exactly as JSON.stringify formats it', async () => {
    const n = 5000
    const time = new Float64Array(n)
    const value = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      time[i] = 1_577_836_800_000 + i * 60_000
      value[i] = i === 7 ? NaN : i === 8 ? Infinity : i === 9 ? -0 : 1e6 + Math.sin(i) * 1234.5678901234 + i / 3
    }
    const ints = Int32Array.from([1, -2, 3])
    const out = JSON.parse(await streamed({equity: {time, value}, ints, empty: new Float64Array(0)}))
    assert.deepEqual(out, JSON.parse(JSON.stringify({equity: {time: Array.from(time), value: Array.from(value)}, ints: [1, -2, 3], empty: []})))
    // Bit for bit: the text of each number is JSON.stringify's.
    for (let i = 0; i < n; i++) assert.ok(Object.is(out.equity.value[i], JSON.parse(JSON.stringify(value[i]))), `value[${i}]`)
  })

  it('honours backpressure: waits for drain, never piles up more than about a block in the stream', async () => {
    const n = 300_000 // ~6 MB of text
    const value = Float64Array.from({length: n}, (_, i) => i / 3)
    const c = collector({highWaterMark: 1024, delayMs: 1})
    await writeJson(c.stream, {value})
    const stats = c.stats()
    assert.ok(stats.drains > 10, `waited for drain ${stats.drains} times`)
    assert.ok(stats.maxBuffered < 1_000_000, `at most ${stats.maxBuffered} chars buffered in the stream at once`)
    assert.ok(stats.writes > 10, `${stats.writes} writes, not one`)
    assert.deepEqual(JSON.parse(c.text()).value, Array.from(value))
  })

  it('a stream that fails or closes midway ends the writing with OutputClosedError, not a hang or an uncaught error', async () => {
    let calls = 0
    const failing = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, cb) {
        calls++
        cb(Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
      },
    })
    await assert.rejects(writeJson(failing, {value: new Float64Array(500_000)}), OutputClosedError)
    assert.ok(calls >= 1)
    // A reader that stops reading, then goes away: the writer is waiting for 'drain' when it closes.
    const closing = new Writable({
      highWaterMark: 1024,
      write() {
        setTimeout(() => closing.destroy(), 20)
      },
    })
    await assert.rejects(writeJson(closing, {value: new Float64Array(500_000)}), OutputClosedError)
  })

  it('writeJsonHeld: what is written before end() does not parse; end() completes the document', async () => {
    const curve = new Float64Array(300_000).map((_, i) => i / 7)
    const cases = [{value: {a: 1, curve}, plain: {a: 1, curve: Array.from(curve)}, small: false}, {value: {small: [1, 2, 3]}, plain: {small: [1, 2, 3]}, small: true}]
    for (const {value, plain, small} of cases) {
      const c = collector()
      const held = await writeJsonHeld(c.stream, value)
      const before = c.text()
      assert.throws(() => JSON.parse(before), SyntaxError, 'an unfinished document')
      assert.equal(before === '', small, 'a document under a block is all held back; a long one mostly written')
      await held.end()
      assert.ok(c.text().startsWith(before))
      assert.deepEqual(JSON.parse(c.text()), plain)
      assert.deepEqual([c.stream.listenerCount('error'), c.stream.listenerCount('close')], [0, 0], 'the writer stopped listening')
    }
    const abandoned = collector()
    const held = await writeJsonHeld(abandoned.stream, {curve})
    held.abandon()
    assert.deepEqual([abandoned.stream.listenerCount('error'), abandoned.stream.listenerCount('close')], [0, 0])
    assert.ok(abandoned.text().length > 1_000_000, 'all but the last block was written')
    assert.throws(() => JSON.parse(abandoned.text()), SyntaxError)
  })
})

describe('backtest-json: the equity curve at a resolution', () => {
  it('default: full up to 100,000 bars, daily above; an explicit choice wins', () => {
    assert.equal(FULL_EQUITY_MAX_BARS, 100_000)
    assert.equal(equityResolution(undefined, 100_000), 'full')
    assert.equal(equityResolution(undefined, 100_001), 'daily')
    assert.equal(equityResolution('full', 5_000_000), 'full')
    assert.equal(equityResolution('none', 10), 'none')
  })

  it('daily picks the last bar of each local calendar day, across DST changes (New York, 5-minute bars, regular hours)', () => {
    const tz = 'America/New_York'
    const time: number[] = []
    // Trading days around the 2021 spring-forward (Sun 14 March) and fall-back (Sun 7 November).
    const days = ['2021-03-11', '2021-03-12', '2021-03-15', '2021-03-16', '2021-11-04', '2021-11-05', '2021-11-08']
    for (const d of days) {
      const [y, m, day] = d.split('-').map(Number)
      const open = localToUtc(y, m, day, 9, 30, tz)
      for (let k = 0; k < 78; k++) time.push(open + k * 300_000)
    }
    const value = time.map((_, i) => 1000 + i)
    const idx = [...dailyLastIndices(time, tz)]
    assert.deepEqual(idx, days.map((_, k) => k * 78 + 77))
    const eq = equityJson({time: Float64Array.from(time), value: Float64Array.from(value)}, 'daily', tz)
    assert.equal(eq.points, days.length)
    assert.equal(eq.bars, time.length)
    assert.equal(eq.timeZone, tz)
    assert.deepEqual([...eq.time].map((t) => localDateOf(t, tz)), days)
    assert.deepEqual([...eq.value], idx.map((i) => value[i]))
  })

  it('daily cuts days at the market zone\'s midnight, not UTC\'s (24/7 in UTC; a bar at 23:59 local closes its day)', () => {
    const start = Date.UTC(2024, 0, 1)
    const hours = Float64Array.from({length: 72}, (_, i) => start + i * 3_600_000) // 3 UTC days, hourly
    assert.deepEqual([...dailyLastIndices(hours, 'UTC')], [23, 47, 71])
    // In Tokyo (UTC+9) the same hours span 4 local days: the first ends at 14:00 UTC.
    assert.deepEqual([...dailyLastIndices(hours, 'Asia/Tokyo')], [14, 38, 62, 71])
    assert.deepEqual([...dailyLastIndices(new Float64Array(0), 'UTC')], [])
    assert.deepEqual([...dailyLastIndices([start], 'UTC')], [0])
  })

  it('none has no points; full is the result\'s own arrays', () => {
    const time = Float64Array.from([1, 2, 3])
    const value = Float64Array.from([10, 20, 30])
    const none = equityJson({time, value}, 'none', 'UTC')
    assert.deepEqual([none.resolution, none.points, none.bars, none.time.length, none.value.length], ['none', 0, 3, 0, 0])
    const full = equityJson({time, value}, 'full', 'UTC')
    assert.equal(full.time, time)
    assert.equal(full.value, value)
    assert.equal(full.points, 3)
  })
})
