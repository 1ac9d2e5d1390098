/**
 * `--sweep` values: `NAME=FROM..TO:STEP` (inclusive; STEP defaults to 1), `NAME=A,B,C` (a list of
 * YAML scalars, so `5` is a number and `fast` text) or `NAME=VALUE`. Decimal ranges are rounded
 * to the decimals written, so 0.1..0.3:0.1 gives 0.1, 0.2, 0.3 and not 0.30000000000000004.
 */
import {parse} from '../core/yaml.js'
import {BotsError} from '../core/errors.js'
import {localeNumber} from '../core/fixed-number.js'

export interface SweepAxis {
  name: string
  values: unknown[]
}

/** Above this many combinations a sweep is refused (it is almost surely a typo in a step). */
export const MAX_COMBINATIONS = 100_000

const RANGE = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?)\s*)?$/

export function parseSweep(text: string): SweepAxis {
  const eq = text.indexOf('=')
  if (eq <= 0 || eq === text.length - 1) throw sweepError(text, 'expected NAME=FROM..TO:STEP or NAME=A,B,C')
  const name = text.slice(0, eq).trim()
  const spec = text.slice(eq + 1)
  const range = RANGE.exec(spec)
  if (range) return {name, values: rangeValues(text, range[1], range[2], range[3] ?? '1')}
  if (spec.includes('..')) throw sweepError(text, 'a range is FROM..TO or FROM..TO:STEP with numbers, e.g. 5..50:5')
  const values = spec.split(',').map((part) => scalar(part.trim()))
  if (values.some((v) => v === '')) throw sweepError(text, 'empty value in the list')
  return {name, values}
}

export function parseSweeps(texts: readonly string[]): SweepAxis[] {
  const axes = texts.map(parseSweep)
  const seen = new Set<string>()
  for (const a of axes) {
    if (seen.has(a.name)) throw new BotsError(`--sweep ${a.name} is given twice`, {code: 'flag.sweep', hint: 'list every value of a parameter in one --sweep'})
    seen.add(a.name)
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1)
  if (total > MAX_COMBINATIONS) {
    throw new BotsError(`the sweep has ${localeNumber(total)} combinations (at most ${localeNumber(MAX_COMBINATIONS)})`, {code: 'flag.sweep', hint: 'use larger steps or fewer values'})
  }
  return axes
}

/** Every combination, the first axis varying slowest (the order runs are numbered in). */
export function combinations(axes: readonly SweepAxis[]): Array<Record<string, unknown>> {
  let out: Array<Record<string, unknown>> = [{}]
  for (const axis of axes) out = out.flatMap((c) => axis.values.map((v) => ({...c, [axis.name]: v})))
  return out
}

function rangeValues(text: string, fromText: string, toText: string, stepText: string): number[] {
  const from = Number(fromText)
  const to = Number(toText)
  const step = Number(stepText)
  if (!(step > 0)) throw sweepError(text, 'the step must be positive')
  if (to < from) throw sweepError(text, `the range ends (${toText}) before it starts (${fromText})`)
  const decimals = Math.max(...[fromText, stepText].map((t) => (t.split('.')[1] ?? '').length))
  const count = stepCount(from, to, step, Math.max(decimals, (toText.split('.')[1] ?? '').length))
  if (count > MAX_COMBINATIONS) throw sweepError(text, `${count} values is too many`)
  return Array.from({length: count}, (_, k) => Number((from + k * step).toFixed(decimals)))
}

/**
 * How many steps fit from `from` to `to`, the end included when it is on the grid. In integers of
 * the values' last decimal when they fit exactly in a double, as written: a tolerance on the
 * doubles' quotient is absolute, and lost `to` from 10000000.1..10000000.7:0.2.
 */
function stepCount(from: number, to: number, step: number, decimals: number): number {
  const scale = 10 ** decimals
  const [a, b, s] = [from, to, step].map((x) => Math.round(x * scale))
  if ([a, b, s].every((x) => Number.isSafeInteger(x)) && s > 0) return Math.floor((b - a) / s) + 1
  return Math.floor((to - from) / step + 1e-9) + 1
}

function scalar(text: string): unknown {
  try {
    return parse(text) ?? text
  } catch {
    return text
  }
}

function sweepError(text: string, message: string): BotsError {
  return new BotsError(`--sweep ${text}: ${message}`, {code: 'flag.sweep', hint: 'e.g. --sweep fast=5..50:5 --sweep slow=20,50,100'})
}

/** `--risk-free 0.02` or `2%` → 0.02. */
export function parseRate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text)
  const v = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN
  if (!(v > -1 && v < 1)) throw new BotsError(`--risk-free ${text} is not a rate`, {code: 'flag.rate', hint: 'an annual rate such as 0.02 or 2%'})
  return v
}
