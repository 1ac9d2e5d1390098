/**
 * A JSON document written incrementally to a stream (stdout, a file, any Writable), so a result
 * with a million-point equity curve and tens of thousands of fills is never held as one string.
 *
 * The output parses to exactly what `JSON.parse(JSON.stringify(value))` gives, with one deliberate
 * difference: a typed array (Float64Array…) reached through plain objects is written as a JSON
 * array of its numbers, not as the `{"0": …}` object JSON.stringify makes of it (inside other
 * values, e.g. an element of an array, it is left to JSON.stringify). Numbers are formatted by
 * JSON.stringify itself (shortest round-trip form; NaN and ±Infinity as null), `toJSON` methods
 * are honoured, and keys whose value is undefined, a function or a symbol are left out.
 *
 * Layout: objects are indented by two spaces (as oclif's `--json` printed them); an array of up to
 * SMALL_ARRAY elements is pretty-printed as JSON.stringify(v, null, 2) would; a longer array has
 * one compact element per line (each as JSON.stringify writes it alone); a typed array has
 * NUMBERS_PER_LINE numbers per line. Text is gathered into blocks of about BLOCK_CHARS and written
 * block by block, waiting for 'drain' whenever the stream asks to (backpressure), so memory stays
 * flat whatever the document's size.
 */
import type {Writable} from 'node:stream'
import {elementValue, isRecord, recordLines} from './json-record-lines.js'

// Under V8's largest regular heap object (128 KB): a longer string goes to the large-object
// space, fresh memory from the system for every block, and its page faults cost more than the
// writing itself (measured: 64K blocks take about half the CPU time of 128K ones).
const BLOCK_CHARS = 1 << 16
// A run of records is stringified in one piece of about RUN_CHARS (so a block stays well under
// 128 KB); the first run of an array has FIRST_RUN elements, the next ones as many as fit.
const RUN_CHARS = 1 << 14
const FIRST_RUN = 32
const MAX_RUN = 1024
const SMALL_ARRAY = 64
const NUMBERS_PER_LINE = 1024

/**
 * An array whose elements are made one at a time as they are written (`at(i)`), none kept: a
 * run's fills and trades from its columns (model/run-columns.ts). Written exactly as the array of
 * those elements would be; JSON.stringify (and `toJSON`) gives that array.
 */
export class ElementsOnDemand {
  constructor(
    readonly length: number,
    readonly at: (i: number) => unknown,
  ) {}

  toJSON(): unknown[] {
    return Array.from({length: this.length}, (_, i) => this.at(i))
  }
}

/** The stream closed or failed (e.g. EPIPE: the reader of a pipe went away) before the document was written. */
export class OutputClosedError extends Error {
  constructor(override readonly cause?: unknown) {
    super(`output closed before the JSON document was written${cause instanceof Error ? `: ${cause.message}` : ''}`)
    this.name = 'OutputClosedError'
  }
}

type NumericArray = Float64Array | Float32Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array

/** Writes one JSON document to `stream`, resolving once the stream has accepted all of it. */
export async function writeJson(stream: Writable, value: unknown): Promise<void> {
  await (await writeJsonHeld(stream, value)).end()
}

/** A document written but for its last block: `end()` writes that, `abandon()` never does. */
export interface HeldJson {
  end(): Promise<void>
  abandon(): void
}

/**
 * Writes `value` as writeJson does, except its last block (at most BLOCK_CHARS, the closing brace
 * included), which only `end()` writes: what was written until then does not parse, so a reader
 * can tell a document its writer later gave up on (abandon) from a whole one.
 */
export async function writeJsonHeld(stream: Writable, value: unknown): Promise<HeldJson> {
  const w = new JsonStreamWriter(stream)
  try {
    await w.value(value, '', '')
    w.text('\n')
  } catch (e) {
    w.close()
    throw e
  }
  return {
    end: async () => {
      try {
        await w.flush()
      } finally {
        w.close()
      }
    },
    abandon: () => w.close(),
  }
}

/** The writer behind writeJson: a buffer of text, flushed in blocks with backpressure. */
export class JsonStreamWriter {
  private buffer = ''
  private failure: unknown
  private closed = false
  private readonly onError = (error: unknown): void => {
    this.failure ??= error
  }
  private readonly onClose = (): void => {
    this.closed = true
  }

  constructor(private readonly stream: Writable) {
    // Without a listener an EPIPE on stdout would be an uncaught exception; here it ends the writing.
    stream.on('error', this.onError)
    stream.on('close', this.onClose)
  }

  /** Stop listening to the stream (the document is written or abandoned). */
  close(): void {
    this.stream.off('error', this.onError)
    this.stream.off('close', this.onClose)
  }

  /** Append raw text (already JSON). */
  text(s: string): void {
    this.buffer += s
  }

  /** Write out the buffer if it holds a block's worth. */
  async maybeFlush(): Promise<void> {
    if (this.buffer.length >= BLOCK_CHARS) await this.flush()
  }

  /** Hand the buffer to the stream; wait for 'drain' when the stream is full. */
  async flush(): Promise<void> {
    this.check()
    if (this.buffer === '') return
    const chunk = this.buffer
    this.buffer = ''
    if (!this.stream.write(chunk)) await this.drain()
    this.check()
  }

  private check(): void {
    if (this.failure !== undefined || this.closed || this.stream.destroyed) throw new OutputClosedError(this.failure)
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done)
        this.stream.off('error', done)
        this.stream.off('close', done)
        resolve() // an error or close is reported by check()
      }
      this.stream.once('drain', done)
      this.stream.once('error', done)
      this.stream.once('close', done)
    })
  }

  /**
   * Write `value` (already positioned after its key, or at the start). `indent` is the current
   * line's indentation; `key` is what toJSON receives, as in JSON.stringify.
   */
  async value(value: unknown, indent: string, key: string): Promise<void> {
    if (value instanceof ElementsOnDemand) return this.array(value, indent)
    let v = value
    if (v !== null && typeof v === 'object' && typeof (v as {toJSON?: unknown}).toJSON === 'function') v = (v as {toJSON(k: string): unknown}).toJSON(key)
    if (isNumericArray(v)) return this.numbers(v, indent)
    if (Array.isArray(v)) return this.array(v, indent)
    if (isRecord(v)) return this.object(v as Record<string, unknown>, indent)
    this.text(pretty(v, indent) ?? 'null')
    await this.maybeFlush()
  }

  private async object(o: Record<string, unknown>, indent: string): Promise<void> {
    const inner = `${indent}  `
    let first = true
    for (const key of Object.keys(o)) {
      const v = o[key]
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
      this.text(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `)
      first = false
      await this.value(v, inner, key)
    }
    this.text(first ? '{}' : `\n${indent}}`)
  }

  private async array(elements: readonly unknown[] | ElementsOnDemand, indent: string): Promise<void> {
    if (elements.length <= SMALL_ARRAY) {
      this.text(pretty(elements instanceof ElementsOnDemand ? elements.toJSON() : elements, indent)!)
      return this.maybeFlush()
    }
    const element = elements instanceof ElementsOnDemand ? (i: number) => elements.at(i) : (i: number) => elements[i]
    // Long arrays: one compact element per line, each exactly as JSON.stringify writes it alone
    // (toJSON called with the key ''). Runs of records are stringified in one call each
    // (json-record-lines.ts); other elements one by one.
    const inner = `${indent}  `
    const lineBreak = `,\n${inner}`
    const run: object[] = []
    let runLength = FIRST_RUN
    let cutRuns = true
    let first = true
    const put = (lines: string): void => {
      this.buffer += `${first ? `\n${inner}` : lineBreak}${lines}`
      first = false
    }
    const putRun = (): void => {
      let lines = recordLines(run, lineBreak)
      if (lines === undefined) {
        // A value inside these records holds `},{`: likely the rest do too, so no more runs here.
        cutRuns = false
        lines = run.map((r) => JSON.stringify(r)).join(lineBreak)
      } else {
        runLength = runLengthFor(lines.length / run.length)
      }
      run.length = 0
      put(lines)
    }
    this.text('[')
    for (let i = 0; i < elements.length; i++) {
      const e = element(i)
      const {value, resolved} = elementValue(e)
      if (cutRuns && resolved && isRecord(value)) {
        run.push(value)
        if (run.length >= runLength) putRun()
      } else {
        if (run.length > 0) putRun()
        put((JSON.stringify(resolved ? value : e) as string | undefined) ?? 'null')
      }
      if (this.buffer.length >= BLOCK_CHARS) await this.flush()
    }
    if (run.length > 0) putRun()
    this.text(`\n${indent}]`)
  }

  private async numbers(a: NumericArray, indent: string): Promise<void> {
    if (a.length === 0) {
      this.text('[]')
      return
    }
    const inner = `${indent}  `
    // JSON.stringify of a plain array of doubles is V8's fastest number formatting (no string per
    // number), and formats each exactly as JSON.stringify would (NaN, ±Infinity as null): copy a
    // line's worth into one reused array (unboxed doubles) and stringify that.
    const line = Array.from({length: Math.min(NUMBERS_PER_LINE, a.length)}, () => 0.5)
    this.text('[')
    for (let i = 0; i < a.length; i += NUMBERS_PER_LINE) {
      const m = Math.min(NUMBERS_PER_LINE, a.length - i)
      if (m < line.length) line.length = m
      for (let j = 0; j < m; j++) line[j] = a[i + j]
      const s = JSON.stringify(line)
      this.buffer += `${i === 0 ? '\n' : ',\n'}${inner}${s.slice(1, -1)}`
      if (this.buffer.length >= BLOCK_CHARS) await this.flush()
    }
    this.text(`\n${indent}]`)
  }
}

/** JSON.stringify(v, null, 2), re-indented to sit at `indent` (structural newlines only: strings escape theirs). */
function pretty(v: unknown, indent: string): string | undefined {
  const s = JSON.stringify(v, null, 2) as string | undefined
  if (s === undefined || indent === '' || !s.includes('\n')) return s
  return s.replaceAll('\n', `\n${indent}`)
}

/** How many records of `charsPerRecord` fit in RUN_CHARS (at least one). */
function runLengthFor(charsPerRecord: number): number {
  return Math.max(1, Math.min(MAX_RUN, Math.floor(RUN_CHARS / Math.max(1, charsPerRecord))))
}

function isNumericArray(v: unknown): v is NumericArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)
}

