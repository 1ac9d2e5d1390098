/** Binance's numbers: decimal strings with 8 places on the wire, values kept rounded to 8 places. */

export const r8 = (x: number): number => Math.round(x * 1e8) / 1e8

export const s8 = (x: number): string => r8(x).toFixed(8)

/** Whether x is a whole number of steps (to a relative 1e-9, for binary fractions like 0.1). */
export function onGrid(x: number, step: number): boolean {
  const n = x / step
  return Math.abs(n - Math.round(n)) < 1e-9 * Math.max(1, Math.abs(n))
}

/** x rounded down to the grid of `step`. */
export function floorToGrid(x: number, step: number): number {
  return r8(Math.floor(x / step + 1e-9) * step)
}

/** A decimal parameter as Binance accepts it; undefined when absent, NaN when malformed. */
export function decimalParam(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined
  return /^\d{1,20}(\.\d{1,20})?$/.test(v) ? Number(v) : NaN
}
