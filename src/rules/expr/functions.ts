/**
 * The only functions an expression may call. Anything else is an unknown name: there is no
 * path from an expression to a JavaScript function, property or global.
 */
export interface FunctionSpec {
  /** Smallest and largest argument count. */
  min: number
  max: number
  signature: string
  description: string
}

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = Object.freeze({
  crosses_above: {min: 2, max: 2, signature: 'crosses_above(a, b)', description: 'a moved above b on this bar (judged against the last bar where they differed)'},
  crosses_below: {min: 2, max: 2, signature: 'crosses_below(a, b)', description: 'a moved below b on this bar (judged against the last bar where they differed)'},
  time_between: {min: 2, max: 2, signature: 'time_between("HH:MM", "HH:MM")', description: "the bar's open time of day is in [from, to), market time zone"},
  abs: {min: 1, max: 1, signature: 'abs(x)', description: 'absolute value'},
  sqrt: {min: 1, max: 1, signature: 'sqrt(x)', description: 'square root'},
  log: {min: 1, max: 1, signature: 'log(x)', description: 'natural logarithm'},
  min: {min: 2, max: 8, signature: 'min(a, b, …)', description: 'smallest argument'},
  max: {min: 2, max: 8, signature: 'max(a, b, …)', description: 'largest argument'},
  of: {min: 2, max: 2, signature: 'of("SYMBOL", x)', description: "x as another symbol of the bot sees it: that symbol's bars and indicators"},
  close_of: {min: 1, max: 1, signature: 'close_of("SYMBOL")', description: "another symbol's close (short for of(\"SYMBOL\", close))"},
  open_of: {min: 1, max: 1, signature: 'open_of("SYMBOL")', description: "another symbol's open"},
  high_of: {min: 1, max: 1, signature: 'high_of("SYMBOL")', description: "another symbol's high"},
  low_of: {min: 1, max: 1, signature: 'low_of("SYMBOL")', description: "another symbol's low"},
  volume_of: {min: 1, max: 1, signature: 'volume_of("SYMBOL")', description: "another symbol's volume"},
  rank: {min: 1, max: 1, signature: 'rank(x)', description: "this symbol's place when x is compared across the bot's symbols at this bar: 1 = highest"},
})

/** `close_of("X")` … : a bar field of another symbol. */
export const FIELD_OF = {close_of: 'close', open_of: 'open', high_of: 'high', low_of: 'low', volume_of: 'volume'} as const

export function isFunctionName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name)
}

/** `"09:30"` or `"9:30"` → minutes since midnight; undefined when malformed. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text)
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined
}
