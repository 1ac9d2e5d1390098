/** A column of a log (fill-log.ts, trade-log.ts, order-log.ts). */
type Column = Float64Array | Int32Array | Int8Array | Uint8Array

/** `a` copied into a column of the same kind twice its length: how the logs grow, amortised O(1) per row. */
export function doubled<T extends Column>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2)
  b.set(a)
  return b
}
