/**
 * The header and first data rows of a CSV, read by us rather than DuckDB's sniffer: the sniffer
 * guesses from a sample and gives up on exactly the files we must report on (rows with missing
 * columns, blank lines). Knowing the header, we declare every column's type to DuckDB ourselves.
 */
import {closeSync, openSync, readFileSync, readSync} from 'node:fs'

export interface CsvHead {
  delimiter: string
  names: string[]
  /** The fields of the first data rows (up to SAMPLE_LINES, within the first 64 KB). */
  rows: string[][]
  /** Estimated data rows, from the size of the first lines. */
  estimatedRows: number
}

const HEAD_BYTES = 1 << 16
/** Enough rows that a value written differently from the first row's (a decimal comma, an empty first time) is seen. */
const SAMPLE_LINES = 100
const DELIMITERS = [',', ';', '\t', '|']

export function readCsvHead(file: string, size: number): CsvHead {
  const buf = Buffer.alloc(Math.min(size, HEAD_BYTES))
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buf, 0, buf.length, 0)
  } finally {
    closeSync(fd)
  }
  const text = buf.toString('utf8').replace(/^\uFEFF/, '')
  const lines = text.split('\n')
  if (buf.length < size) lines.pop() // the last one may be cut
  const header = (lines[0] ?? '').replace(/\r$/, '')
  const delimiter = DELIMITERS.map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0]
  const dataLines = lines.slice(1, 1 + 2 * SAMPLE_LINES).filter((l) => l.trim() !== '').slice(0, SAMPLE_LINES)
  const names = uniqueNames(splitLine(header, delimiter))
  const newlines = lines.length - 1
  const estimatedRows = newlines <= 0 ? 0 : Math.round((size / buf.length) * newlines)
  return {delimiter, names, rows: dataLines.map((l) => splitLine(l.replace(/\r$/, ''), delimiter)), estimatedRows}
}

/** Split one line on the delimiter, honouring double quotes ("" inside quotes is a quote). */
export function splitLine(line: string, delimiter: string): string[] {
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++
      else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === delimiter) out.push(field), (field = '')
    else field += ch
  }
  out.push(field)
  return out.map((f) => f.trim())
}

/** DuckDB needs distinct, non-empty column names. */
function uniqueNames(raw: string[]): string[] {
  const seen = new Set<string>()
  return raw.map((name, i) => {
    let n = name === '' ? `column${i}` : name
    for (let k = 1; seen.has(n.toLowerCase()); k++) n = `${name}_${k}`
    seen.add(n.toLowerCase())
    return n
  })
}

/**
 * Line numbers (1-based) of empty lines. DuckDB skips them without a trace, so they are needed to
 * turn "the n-th row DuckDB produced" back into a line number. Only called when a row is reported.
 */
export function blankLines(file: string): number[] {
  const buf = readFileSync(file)
  const out: number[] = []
  let line = 1
  let start = 0
  for (;;) {
    const nl = buf.indexOf(10, start)
    if (nl < 0) break
    const len = nl - start - (nl > start && buf[nl - 1] === 13 ? 1 : 0)
    if (len === 0 && line > 1) out.push(line)
    line++
    start = nl + 1
  }
  return out
}
