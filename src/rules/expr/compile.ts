/**
 * IR → closures, once per symbol, over that symbol's rings, crossover slots and clock. A compiled
 * expression is a `() => number` that reads typed arrays and allocates nothing. Booleans are
 * 1/0, and NaN means "not known yet": every operator propagates NaN (`and`, `or` and `? :`
 * included, with no short-circuit), so a condition is never true while any value it reads is
 * still warming up.
 */
import type {LocalClock} from '../runtime/local-clock.js'
import type {Ring} from '../runtime/ring.js'
import type {IR} from './ir.js'

export type Compiled = () => number

export interface EvalScope {
  ring(key: string): Ring
  /** Per crossover slot: 1 crossed above, -1 below, 0 neither, NaN not known yet. */
  readonly crosses: Float64Array
  readonly clock: LocalClock
  /** Per `rank(x)` slot: this symbol's rank across the bot's symbols (NaN: x unknown here). */
  readonly ranks?: Float64Array
  /** Another symbol's scope, for `of("SYM", x)`; undefined when the run has no such symbol. */
  peer?(symbol: string): EvalScope | undefined
}

export function compile(ir: IR, scope: EvalScope): Compiled {
  switch (ir.op) {
    case 'const': {
      const v = ir.value
      return () => v
    }
    case 'series':
      return seriesReader(scope.ring(ir.key), ir.ago)
    case 'time':
      return timeReader(scope.clock, ir.field)
    case 'unary':
      return unary(ir.fn, compile(ir.arg, scope))
    case 'binary':
      return binary(ir.fn, compile(ir.left, scope), compile(ir.right, scope))
    case 'minmax': {
      const args = ir.args.map((a) => compile(a, scope))
      const pick = ir.fn === 'min' ? Math.min : Math.max
      // Math.min/max already return NaN when any argument is NaN.
      return args.length === 2 ? ((a, b) => () => pick(a(), b()))(args[0], args[1]) : () => {
        let r = args[0]()
        for (let i = 1; i < args.length; i++) r = pick(r, args[i]())
        return r
      }
    }
    case 'if': {
      const test = compile(ir.test, scope)
      const then = compile(ir.then, scope)
      const otherwise = compile(ir.otherwise, scope)
      // Both branches are evaluated, as `and`/`or` evaluate both sides: the result is unknown while
      // the test or either branch is, so `close > 10 ? true : close[5] > 0` is not true before close[5] exists.
      return () => {
        const t = test()
        const a = then()
        const b = otherwise()
        return t !== t || a !== a || b !== b ? NaN : t === 1 ? a : b
      }
    }
    case 'cross': {
      const crosses = scope.crosses
      const slot = ir.slot
      const dir = ir.dir
      return () => {
        const c = crosses[slot]
        return c !== c ? NaN : c === dir ? 1 : 0
      }
    }
    case 'of': {
      // Bound on first use: the other symbols' runtimes exist only once every one is built.
      const arg = ir.arg
      const symbol = ir.symbol
      let read: Compiled | undefined
      return () => {
        if (read === undefined) {
          const other = scope.peer?.(symbol)
          read = other ? compile(arg, other) : () => NaN
        }
        return read()
      }
    }
    case 'rank': {
      const slot = ir.slot
      const ranks = scope.ranks
      return ranks && slot < ranks.length ? () => ranks[slot] : () => NaN
    }
    case 'between': {
      const clock = scope.clock
      const {from, to} = ir
      return from <= to ? () => (clock.minuteOfDay >= from && clock.minuteOfDay < to ? 1 : 0) : () => (clock.minuteOfDay >= from || clock.minuteOfDay < to ? 1 : 0)
    }
  }
}

function seriesReader(ring: Ring, ago: number): Compiled {
  const buf = ring.buf
  const mask = ring.mask
  if (ago === 0) return () => buf[ring.head]
  return () => buf[(ring.head - ago) & mask]
}

function timeReader(clock: LocalClock, field: 'hour' | 'minute' | 'weekday' | 'day' | 'month'): Compiled {
  switch (field) {
    case 'hour':
      return () => clock.hour
    case 'minute':
      return () => clock.minute
    case 'weekday':
      return () => clock.weekday
    case 'day':
      return () => clock.day
    case 'month':
      return () => clock.month
  }
}

function unary(fn: 'neg' | 'not' | 'abs' | 'sqrt' | 'log', a: Compiled): Compiled {
  switch (fn) {
    case 'neg':
      return () => -a()
    case 'not':
      return () => {
        const v = a()
        return v !== v ? NaN : v === 1 ? 0 : 1
      }
    case 'abs':
      return () => Math.abs(a())
    case 'sqrt':
      return () => Math.sqrt(a())
    case 'log':
      return () => Math.log(a())
  }
}

function binary(fn: string, a: Compiled, b: Compiled): Compiled {
  // Comparisons: NaN on either side is "unknown", not false, so `not` cannot turn it into true.
  switch (fn) {
    case 'add':
      return () => a() + b()
    case 'sub':
      return () => a() - b()
    case 'mul':
      return () => a() * b()
    case 'div':
      return () => a() / b()
    case 'mod':
      return () => a() % b()
    case 'lt':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x < y ? 1 : 0
      }
    case 'le':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x <= y ? 1 : 0
      }
    case 'gt':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x > y ? 1 : 0
      }
    case 'ge':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x >= y ? 1 : 0
      }
    case 'eq':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x === y ? 1 : 0
      }
    case 'ne':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x !== y ? 1 : 0
      }
    case 'and':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x === 1 && y === 1 ? 1 : 0
      }
    case 'or':
      return () => {
        const x = a()
        const y = b()
        return x !== x || y !== y ? NaN : x === 1 || y === 1 ? 1 : 0
      }
    default:
      throw new Error(`unknown operator ${fn}`)
  }
}
