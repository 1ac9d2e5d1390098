/**
 * The recent values of one series (a bar field or an indicator output) for one symbol: a
 * power-of-two ring of doubles, so `at(n)` is one mask and one load. Slots not yet written read
 * NaN, which is how "no value yet" (warm-up, or `[n]` before the n-th bar) propagates.
 */
export class Ring {
  readonly buf: Float64Array
  readonly mask: number
  head = 0

  /** `depth`: the deepest offset that will be read (0 = only the current value). */
  constructor(depth: number) {
    let size = 1
    while (size < depth + 1) size <<= 1
    this.buf = new Float64Array(size).fill(NaN)
    this.mask = size - 1
    this.head = this.mask
  }

  push(v: number): void {
    const h = (this.head + 1) & this.mask
    this.head = h
    this.buf[h] = v
  }

  /** Value `ago` bars back; `ago` must be within the depth given to the constructor. */
  at(ago: number): number {
    return this.buf[(this.head - ago) & this.mask]
  }
}
