/**
 * en-US numbers with a fixed number of decimals and thousands separators, as
 * `Intl.NumberFormat('en-US', {minimumFractionDigits: d, maximumFractionDigits: d})` writes them,
 * at a fraction of its cost (the report formats ~30,000 of them for a long run's trade list), and
 * integers as `toLocaleString('en-US')` writes them (`localeNumber`). Neither starts ICU's number
 * formatting for the values commands print, which costs ~20 ms at its first use in a process.
 *
 * Intl rounds the shortest decimal that reads back as the double (what `String(v)` prints), half
 * away from zero: 1.005 → "1.01", where `toFixed` rounds the double's exact value (1.00499…) to
 * "1.00". So this rounds `String(v)`'s digits. Values whose shortest form is written with an
 * exponent (|v| < 1e-6 or ≥ 1e21), -0 and non-finite values are left to Intl itself.
 */
const formatters = new Map<number, Intl.NumberFormat>()

function intl(v: number, digits: number): string {
  let f = formatters.get(digits)
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits})))
  return f.format(v)
}

/** Intl's +0 for 0 to 4 decimals. */
const ZEROS = ['0', '0.0', '0.00', '0.000', '0.0000']

export function fixedNumber(v: number, digits: number): string {
  const a = Math.abs(v)
  if (!(a >= 1e-6 && a < 1e21)) {
    // Below 1e-6 (and ±0) up to 5 decimals round to zero, which Intl writes signed as the value
    // is ("-0.00" for -1e-10 and for -0): a P&L's float residue would otherwise start ICU (~20 ms).
    if (a < 1e-6 && digits <= 5) return (v < 0 || 1 / v < 0 ? '-' : '') + (ZEROS[digits] ?? (0).toFixed(digits))
    return intl(v, digits)
  }
  const s = String(a)
  const dot = s.indexOf('.')
  let whole = dot < 0 ? s : s.slice(0, dot)
  let frac = dot < 0 ? '' : s.slice(dot + 1)
  if (frac.length > digits) {
    const up = frac.charCodeAt(digits) >= 53 // '5'
    frac = frac.slice(0, digits)
    if (up) [whole, frac] = increment(whole, frac)
  } else frac = frac.padEnd(digits, '0')
  return (v < 0 ? '-' : '') + grouped(whole) + (digits > 0 ? `.${frac}` : '')
}

/** whole.frac plus one unit in frac's last place (whole alone when frac is empty). */
function increment(whole: string, frac: string): [string, string] {
  const all = whole + frac
  // Up to 15 digits the integer is exact in a double: one addition, no array of digits.
  let next: string
  if (all.length <= 15) {
    next = String(Number(all) + 1)
    if (next.length < all.length) next = next.padStart(all.length, '0')
  } else {
    const digits = all.split('')
    let i = digits.length - 1
    while (i >= 0 && digits[i] === '9') digits[i--] = '0'
    if (i >= 0) digits[i] = String.fromCharCode(digits[i].charCodeAt(0) + 1)
    else digits.unshift('1')
    next = digits.join('')
  }
  const cut = next.length - frac.length
  return [next.slice(0, cut), next.slice(cut)]
}

/** `v.toLocaleString('en-US')`: integers grouped here (counts, bars), anything else by Intl. */
export function localeNumber(v: number): string {
  if (!Number.isInteger(v) || Math.abs(v) >= 1e21 || Object.is(v, -0)) return v.toLocaleString('en-US')
  return (v < 0 ? '-' : '') + grouped(String(Math.abs(v)))
}

function grouped(whole: string): string {
  if (whole.length <= 3) return whole
  const head = whole.length % 3 || 3
  let out = whole.slice(0, head)
  for (let i = head; i < whole.length; i += 3) out += `,${whole.slice(i, i + 3)}`
  return out
}
