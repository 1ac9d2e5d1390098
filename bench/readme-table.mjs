// The README's speed table, produced from `npm run bench` output (`npm run bench -- --readme`),
// never typed by hand. Pure functions: bench output → rows → markdown → README text; plus an
// atomic write (temp file + rename) for bench/run.mjs to call.
//
// A figure line is `name: value unit (target)` as the bench/*.bench.mjs scripts print it. Their
// formats vary, so parsing is lenient:
//   - the name is the text before the first ": " (it may hold parentheses: `x (CLI, …): 1 s`);
//   - any parenthesised group that starts with `target`, `targets` or `reported` is the target;
//     text after a `;` inside it is a note and stays with the figure (`(target ≥ 2M; 2.5M bars
//     per CPU-second)` gives target `≥ 2M`, figure `… (2.5M bars per CPU-second)`);
//   - a trailing `MISSED` or `FAIL` marks the row as missing its target;
//   - lines with no target get `—`.
// Lines that are not figures are skipped: blank lines, `== script` headers, lines starting with
// `(` (the scripts' load-average notes) or whitespace, and the names in NOT_FIGURES.
import {renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

export const START = '<!-- bench:start -->'
export const END = '<!-- bench:end -->'

/** Bench line names that describe the run, not a measurement. */
const NOT_FIGURES = new Set(['machine'])

/** Clearer "what" for names that say little out of their script's context; others print as they are. */
const NAMES = {
  'import 1M rows': 'import 1,000,000 minute bars from CSV',
  'load 1M bars': 'load 1,000,000 bars into typed arrays',
  'load memory': 'load 1,000,000 bars into typed arrays, memory',
  'load 1M bars, plain node (no GLIBC_TUNABLES)': 'load 1,000,000 bars into typed arrays, plain node (no GLIBC_TUNABLES)',
  'sma-cross plugin': 'sma-cross plugin, SMA 50/200 (the `rules` comparison)',
  'rules golden cross': '`rules` golden cross, SMA 50/200',
  'service CPU': 'live service CPU',
  'service memory, peak RSS': 'live service memory, peak RSS',
  'service store writes': 'live service store writes',
  'heartbeat age, worst bot': 'live heartbeat age, worst bot',
  'replay pace, bars per bot per second': 'live replay pace, bars per bot per second',
  'SIGTERM to exit': 'live service, SIGTERM to exit',
}

const TARGET_GROUP = /^(targets?\b|reported\b)/

/**
 * Bench output (all scripts, `== name.bench.mjs` headers included or not) → rows.
 * @param {string} text
 * @returns {{script: string | undefined, what: string, figure: string, target: string, missed: boolean}[]}
 */
export function parseFigures(text) {
  const rows = []
  let script
  for (const raw of text.split(/\r?\n/)) {
    const header = /^== (\S+)/.exec(raw)
    if (header) {
      script = header[1]
      continue
    }
    const row = parseFigureLine(raw)
    if (row) rows.push({script, ...row})
  }
  return rows
}

/**
 * One line → a row, or undefined when it is not a figure line.
 * @param {string} line
 */
export function parseFigureLine(line) {
  if (!line.trim() || /^[\s(=]/.test(line)) return undefined
  const colon = line.indexOf(': ')
  if (colon <= 0) return undefined
  const name = line.slice(0, colon).trim()
  if (NOT_FIGURES.has(name)) return undefined
  let value = line.slice(colon + 2).trimEnd()
  let missed = false
  const mark = /\s+(MISSED|FAIL)$/.exec(value)
  if (mark) {
    missed = true
    value = value.slice(0, mark.index)
  }
  const targets = []
  let figure = ''
  for (const part of splitGroups(value)) {
    if (part.group && TARGET_GROUP.test(part.text)) {
      const [target, ...notes] = part.text.split(';').map((s) => s.trim())
      targets.push(target.replace(/^targets?\s+/, ''))
      if (notes.length) figure += `(${notes.join('; ')})`
    } else {
      figure += part.group ? `(${part.text})` : part.text
    }
  }
  figure = figure.replace(/\s+/g, ' ').replace(/\s+([,;])/g, '$1').trim()
  if (!figure) return undefined
  return {what: NAMES[name] ?? name, figure, target: targets.join('; ') || '—', missed}
}

/** Splits text into top-level parenthesised groups (balanced) and the text between them. */
function splitGroups(text) {
  const parts = []
  let depth = 0
  let buf = ''
  for (const ch of text) {
    if (ch === '(' && depth++ === 0) {
      if (buf) parts.push({group: false, text: buf})
      buf = ''
      continue
    }
    if (ch === ')' && depth > 0 && --depth === 0) {
      parts.push({group: true, text: buf})
      buf = ''
      continue
    }
    buf += ch
  }
  if (buf) parts.push({group: false, text: depth > 0 ? `(${buf}` : buf}) // unbalanced: keep as text
  return parts
}

const cell = (s) => s.replace(/\|/g, '\\|')

/**
 * Rows and the run's circumstances → the markdown that goes between the markers.
 * @param {ReturnType<typeof parseFigures>} rows
 * @param {{date: Date, cores: number, cpu: string, node: string, loadStart: number, loadEnd: number, failed?: string[]}} meta
 */
export function renderTable(rows, meta) {
  const date = meta.date.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC')
  const lines = [
    `Measured ${date} on ${meta.cores} cores (${meta.cpu.trim().replace(/\s+/g, ' ')}), Node ${meta.node}; ` +
      `1-minute load average ${meta.loadStart.toFixed(2)} at start, ${meta.loadEnd.toFixed(2)} at end.`,
  ]
  if (meta.failed?.length) lines.push('', `Failed, so missing or partial here: ${meta.failed.join(', ')}.`)
  lines.push('', '| what | figure | target |', '| --- | --- | --- |')
  for (const r of rows) lines.push(`| ${cell(r.what)} | ${cell(r.figure)} | ${cell(r.target)}${r.missed ? ' — **missed**' : ''} |`)
  return lines.join('\n')
}

/**
 * The document with everything between the START and END markers replaced by `content`.
 * @param {string} doc
 * @param {string} content
 */
export function replaceBetweenMarkers(doc, content) {
  const a = doc.indexOf(START)
  const b = doc.indexOf(END)
  if (a < 0 || b < 0 || b < a) throw new Error(`README has no ${START} … ${END} markers`)
  if (doc.indexOf(START, a + 1) >= 0 || doc.indexOf(END, b + 1) >= 0) throw new Error('README has the bench markers more than once')
  return `${doc.slice(0, a + START.length)}\n${content}\n${doc.slice(b)}`
}

/** Writes `file` whole or not at all: a temp file beside it, then rename. */
export function writeFileAtomic(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
  writeFileSync(tmp, text)
  renameSync(tmp, file)
}
