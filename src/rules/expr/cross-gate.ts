/**
 * Which crossovers a condition cannot be true without. A golden cross's conditions
 * (`crosses_above(fast, slow)`, `crosses_below(fast, slow) or close < stop`…) are false on every
 * bar where their crossovers did not fire, which is nearly every bar: the runtime then need not
 * judge them at all (see SymbolRuntime.conditionsMayHold). The analysis only has to be sound, not complete:
 * undefined ("may be true without any crossover") is always a safe answer.
 */
import type {IR} from './ir.js'

/** A crossover slot and the direction (1 above, -1 below) a condition needs of it. */
export interface CrossNeed {
  slot: number
  dir: 1 | -1
}

/**
 * Crossovers such that `ir` is not exactly 1 (true) unless at least one of them holds
 * (`crosses[slot] === dir`); undefined when `ir` may be true without any. Exact by the compiled
 * semantics: a crossover is 1 only when its slot equals its direction, `and` only when both sides
 * are 1, `or` only when one side is.
 */
export function crossNeeds(ir: IR): CrossNeed[] | undefined {
  if (ir.op === 'cross') return [{slot: ir.slot, dir: ir.dir}]
  if (ir.op !== 'binary' || (ir.fn !== 'and' && ir.fn !== 'or')) return undefined
  const left = crossNeeds(ir.left)
  const right = crossNeeds(ir.right)
  if (ir.fn === 'and') return left ?? right
  return left && right ? [...left, ...right] : undefined
}
