/**
 * Quantities are doubles, so fractional sizes do not always net to zero: 0.1 and 0.2 bought, then
 * 0.3 sold, leave 5.6e-17 units. Left as it was, that dust kept the trade open forever (the round
 * trip never recorded), made `position()` non-zero for a strategy waiting to be flat, and could
 * flip a closing sell into a "short" that a long-only account rejects. A position within DUST of
 * zero, relative to the quantities that made it, is flat: the tolerance the broker already uses
 * for lots and for an order's last partial fill.
 */
export const DUST = 1e-9

/** The position after a fill of `signed` units (positive buys) on `before`: 0 when only dust is left. */
export function netPosition(before: number, signed: number): number {
  const after = before + signed
  return Math.abs(after) <= DUST * Math.max(Math.abs(before), Math.abs(signed)) ? 0 : after
}

/**
 * The units of a fill that close the position `before` (0 when it adds to it or opens one), given
 * `after` from netPosition: all of the position when the fill leaves it flat or reverses it.
 * The rest of the fill, |signed| − closing, opens the new side (none when `after` is 0).
 */
export function closingUnits(before: number, signed: number, after: number): number {
  if (before === 0 || before > 0 === signed > 0) return 0
  return after === 0 || after > 0 !== before > 0 ? Math.abs(before) : Math.abs(signed)
}
