/** Plain-text tables: columns padded to their widest cell, numbers right-aligned with separators. */
import {localeNumber} from '../../core/fixed-number.js'
const n = localeNumber

/** A column whose every cell is a number (or empty, or an ellipsis) is right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? n(c) : c)))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)))
  const isNum = (c: string | number) => typeof c === 'number' || /^-?[\d.]+(e[+-]?\d+)?$|^…?$|^$/.test(c)
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => isNum(r[i])))
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n')
}
