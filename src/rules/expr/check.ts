/**
 * Name resolution and type checking: AST → IR. Every name must be a bar field, a time field, a
 * declared indicator (or one of its documented outputs), a strategy parameter or a whitelisted
 * function; offsets must be constant, whole and not negative (no look-ahead); booleans and numbers
 * do not mix. Problems carry the character offset they refer to, plus a did-you-mean for names.
 * One checker serves all expressions of a rule set so crossovers with equal arguments share a slot.
 */
import {DAY_MS} from '../../model/time.js'
import {didYouMeanHint} from '../../core/suggest.js'
import {FIELD_OF, FUNCTIONS, isFunctionName, parseTimeOfDay} from './functions.js'
import {BAR_FIELDS, TIME_FIELDS, type CrossSlot, type IR, type TimeField, type ValueType} from './ir.js'
import {BINARY, describeType, outputKey, rewritePlaceholders} from './operators.js'
import {parseExpression, type Expr} from './syntax.js'
import {higherKey, higherTimeframeProblem, parseHigherTimeframe, type HigherTimeframe} from '../timeframes.js'

/** Deepest `[n]` look-back an expression may ask for. */
export const MAX_OFFSET = 10_000

export interface Names {
  /** Indicator name → its outputs; the first is the one the bare name means. */
  indicators: ReadonlyMap<string, readonly string[]>
  /** Strategy parameters usable as constants (`oversold` or `${oversold}`). */
  params: ReadonlyMap<string, unknown>
  /** The bot's timeframe, when known: `close@1D` must be longer and a whole multiple of it. */
  baseTimeframeMs?: number
  /** The bot's symbols, when known: `of("SYM", …)` must name one of them. Unknown (a strategy spec on its own): checked when a bot runs it. */
  symbols?: readonly string[]
  /** Indicator name → its `type` (`r` → `rsi`): an expression that names the type gets the name as its hint. */
  types?: ReadonlyMap<string, string>
}

export interface CheckProblem {
  offset: number
  code: string
  message: string
  hint?: string
}

type Typed = {ir: IR; type: ValueType} | undefined

export {outputKey, rewritePlaceholders}

export class ExpressionChecker {
  readonly crosses: CrossSlot[] = []
  /** Series key → deepest offset read. */
  readonly reads = new Map<string, number>()
  /** Higher timeframes read with `field@TF`, by canonical text. */
  readonly timeframes = new Map<string, HigherTimeframe>()
  usesTime = false
  /** Symbols named by `of("SYM", …)` / `close_of("SYM")`. */
  readonly symbols = new Set<string>()
  /** The argument of each `rank(x)` slot (equal arguments share one). */
  readonly ranks: IR[] = []
  private readonly rankKeys: string[] = []
  /** Inside the arguments of crosses_above/below (fed bar by bar, before other symbols' bars are in). */
  private crossDepth = 0
  private problems: CheckProblem[] = []
  /** What makes a condition suspect but not wrong (it still runs). */
  private warnings: CheckProblem[] = []

  constructor(private readonly names: Names) {}

  check(text: string, want: ValueType): {ir?: IR; problems: CheckProblem[]; warnings: CheckProblem[]} {
    this.problems = []
    this.warnings = []
    const parsed = parseExpression(rewritePlaceholders(text))
    if (!parsed.ok) return {problems: [{code: 'rules.syntax', ...parsed.problem}], warnings: []}
    const typed = this.expr(parsed.expr)
    if (typed && typed.type !== want) {
      const hint = want === 'boolean' ? 'compare it, e.g. `close > sma_50`' : undefined
      this.fail(parsed.expr.start, 'rules.type', `this must be ${describeType(want)}, but it is ${describeType(typed.type)}`, hint)
    }
    return {ir: this.problems.length === 0 ? typed?.ir : undefined, problems: this.problems, warnings: this.warnings}
  }

  /**
   * The time of day on bars of a day or longer: each opens at local midnight, so a condition on it
   * is true on every bar or on none (found by an audit: `hour == 10` on daily bars placed no order,
   * without a word). A warning: the rules still run.
   */
  private dailyClock(offset: number, what: string): void {
    if ((this.names.baseTimeframeMs ?? 0) < DAY_MS) return
    this.warnings.push({offset, code: 'rules.daily_clock', message: `${what} on bars of a day or longer reads their open time, local midnight: true on every bar or on none`, hint: 'the time of day needs intraday bars (timeframe 1H, 5M…)'})
  }

  private fail(offset: number, code: string, message: string, hint?: string): undefined {
    this.problems.push({offset, code, message, hint})
    return undefined
  }

  private expr(e: Expr): Typed {
    switch (e.kind) {
      case 'number':
        return {ir: {op: 'const', value: e.value}, type: 'number'}
      case 'boolean':
        return {ir: {op: 'const', value: e.value ? 1 : 0}, type: 'boolean'}
      case 'string':
        return this.fail(e.start, 'rules.type', 'text is only allowed in `time_between("HH:MM", "HH:MM")` and as the symbol of `of("SYMBOL", x)` / `close_of("SYMBOL")`')
      case 'name':
        return this.name(e.name, e.start)
      case 'member':
        return this.member(e, 0)
      case 'index':
        return this.index(e)
      case 'call':
        return this.call(e)
      case 'unary':
        return this.unary(e)
      case 'binary':
        return this.binary(e)
      case 'conditional':
        return this.conditional(e)
    }
  }

  private series(key: string, ago: number): Typed {
    this.reads.set(key, Math.max(ago, this.reads.get(key) ?? 0))
    return {ir: {op: 'series', key, ago}, type: 'number'}
  }

  private name(name: string, at: number): Typed {
    if (name.startsWith('$')) return this.param(name.slice(1), at, true)
    const tfAt = name.indexOf('@')
    if (tfAt >= 0) return this.higherField(name, tfAt, at)
    const outputs = this.names.indicators.get(name)
    if (outputs) return this.series(outputKey(name, outputs[0], outputs), 0)
    if ((BAR_FIELDS as readonly string[]).includes(name)) return this.series(name, 0)
    if ((TIME_FIELDS as readonly string[]).includes(name)) {
      if (name === 'hour' || name === 'minute') this.dailyClock(at, `\`${name}\``)
      this.usesTime = true
      return {ir: {op: 'time', field: name as TimeField}, type: 'number'}
    }
    if (this.names.params.has(name)) return this.param(name, at, false)
    const alias = this.outputAlias(name)
    if (alias) return this.series(alias, 0)
    if (isFunctionName(name)) return this.fail(at, 'rules.call', `\`${name}\` is a function: call it as ${FUNCTIONS[name].signature}`)
    // `rsi < 30` with the RSI declared as `r`: the type is not a name (found by an audit: no hint).
    const named = [...(this.names.types ?? [])].filter(([, type]) => type === name).map(([n]) => `\`${n}\``)
    if (named.length > 0) return this.fail(at, 'rules.unknown_name', `unknown name \`${name}\`: that is an indicator type; the ${name} of these rules is named ${named.join(' or ')}`, `write ${named[0]}`)
    return this.fail(at, 'rules.unknown_name', `unknown name \`${name}\``, didYouMeanHint(name, this.candidates()))
  }

  /**
   * `close@1D`: a bar field of the last *completed* bar of a higher timeframe (the runtime
   * publishes a higher bar only once it has closed). `at` is where the name starts.
   */
  private higherField(name: string, tfAt: number, at: number): Typed {
    const field = name.slice(0, tfAt)
    const suffix = name.slice(tfAt + 1)
    if (!(BAR_FIELDS as readonly string[]).includes(field)) {
      if (this.names.indicators.has(field)) {
        return this.fail(at, 'rules.timeframe', `\`${field}\` is an indicator; \`@\` applies to bar fields`, `declare the indicator with \`timeframe: ${suffix || '1D'}\` to compute it on ${suffix || '1D'} bars`)
      }
      return this.fail(at, 'rules.unknown_name', `\`@\` must follow a bar field, not \`${field}\``, didYouMeanHint(field, BAR_FIELDS) ?? 'e.g. close@1D, high@1H, volume@1W')
    }
    // `close@${htf}` / `close@htf`: a text parameter holding the timeframe.
    const pname = suffix.startsWith('$') ? suffix.slice(1) : suffix
    const pvalue = this.names.params.get(pname)
    if (suffix.startsWith('$') && !this.names.params.has(pname)) return this.param(pname, at + tfAt + 1, true)
    const text = typeof pvalue === 'string' ? pvalue.trim() : suffix
    const tf = parseHigherTimeframe(text)
    if (!tf) return this.fail(at + tfAt + 1, 'rules.timeframe', `unknown timeframe \`@${text}\``, 'write a whole number and a unit after `@`: close@1H, close@4H, close@1D, close@1W')
    const problem = higherTimeframeProblem(tf, this.names.baseTimeframeMs)
    if (problem) return this.fail(at + tfAt + 1, 'rules.timeframe', problem.message, problem.hint)
    this.timeframes.set(tf.text, tf)
    return this.series(higherKey(field, tf), 0)
  }

  private param(name: string, at: number, placeholder: boolean): Typed {
    if (!this.names.params.has(name)) {
      return this.fail(at, 'rules.unknown_param', `unknown parameter \`${name}\``, didYouMeanHint(name, this.names.params.keys()) ?? 'declare it under `params:`')
    }
    const value = this.names.params.get(name)
    if (typeof value === 'number' && Number.isFinite(value)) return {ir: {op: 'const', value}, type: 'number'}
    if (typeof value === 'boolean') return {ir: {op: 'const', value: value ? 1 : 0}, type: 'boolean'}
    const shown = placeholder ? `\${${name}}` : name
    return this.fail(at, 'rules.type', `parameter \`${shown}\` is ${JSON.stringify(value)}; expressions take numbers and true/false`)
  }

  /** `macd_signal` for `macd.signal`, unless something else has that name. */
  private outputAlias(name: string): string | undefined {
    for (const [indicator, outputs] of this.names.indicators) {
      if (!name.startsWith(indicator + '_')) continue
      const output = name.slice(indicator.length + 1)
      if (outputs.includes(output)) return outputKey(indicator, output, outputs)
    }
    return undefined
  }

  private candidates(): string[] {
    const out: string[] = [...BAR_FIELDS, ...TIME_FIELDS, ...Object.keys(FUNCTIONS), ...this.names.params.keys()]
    for (const [name, outputs] of this.names.indicators) {
      out.push(name)
      if (outputs.length > 1) for (const o of outputs) out.push(`${name}.${o}`)
    }
    return out
  }

  private member(e: Extract<Expr, {kind: 'member'}>, ago: number): Typed {
    if (e.object.kind !== 'name') return this.fail(e.propertyStart, 'rules.unknown_name', `\`.${e.property}\` can follow only an indicator name, e.g. \`macd.signal\``)
    const owner = e.object.name
    const outputs = this.names.indicators.get(owner)
    if (!outputs) {
      if (owner === 'this' || !this.isKnownName(owner)) return this.name(owner, e.object.start)
      return this.fail(e.propertyStart, 'rules.unknown_name', `\`${owner}\` has no outputs; \`.${e.property}\` is not defined`)
    }
    if (!outputs.includes(e.property) || outputs.length === 1) {
      const hint = outputs.length > 1 ? didYouMeanHint(e.property, outputs) : `\`${owner}\` has one value: write \`${owner}\``
      return this.fail(e.propertyStart, 'rules.unknown_name', `\`${owner}\` has no output \`${e.property}\``, hint)
    }
    return this.series(outputKey(owner, e.property, outputs), ago)
  }

  private isKnownName(name: string): boolean {
    return name.includes('@') || (BAR_FIELDS as readonly string[]).includes(name) || (TIME_FIELDS as readonly string[]).includes(name) || this.names.params.has(name) || isFunctionName(name)
  }

  private index(e: Extract<Expr, {kind: 'index'}>): Typed {
    const ago = this.offset(e.index)
    const target = e.object
    if (target.kind === 'member') return ago === undefined ? this.member(target, 0) && undefined : this.member(target, ago)
    if (target.kind !== 'name') return this.fail(e.index.start, 'rules.offset', '`[n]` can follow only a bar field or an indicator, e.g. `close[1]`')
    const resolved = this.name(target.name, target.start)
    if (!resolved) return undefined
    if (resolved.ir.op !== 'series') return this.fail(e.index.start, 'rules.offset', `\`${target.name}\` has no past values; \`[n]\` applies to bar fields and indicators`)
    return ago === undefined ? undefined : this.series(resolved.ir.key, ago)
  }

  /** A constant, whole, non-negative offset; anything else could read the future. */
  private offset(e: Expr): number | undefined {
    let sign = 1
    let v = e
    while (v.kind === 'unary' && (v.op === '-' || v.op === '+')) {
      if (v.op === '-') sign = -sign
      v = v.arg
    }
    let value: number | undefined
    if (v.kind === 'number') value = v.value
    else if (v.kind === 'name') {
      const pname = v.name.startsWith('$') ? v.name.slice(1) : v.name
      const p = this.names.params.get(pname)
      if (typeof p === 'number') value = p
      else if (v.name.startsWith('$')) return this.param(pname, v.start, true) && undefined
    }
    if (value === undefined) {
      return this.fail(e.start, 'rules.offset', 'the offset in `[n]` must be a whole number written out (or a parameter)', 'an offset that changes from bar to bar could read a future bar')
    }
    value *= sign
    if (value < 0) return this.fail(e.start, 'rules.lookahead', `\`[${value}]\` would read a future bar`, '`[1]` is the previous bar, `[0]` (or no offset) the current one')
    if (!Number.isInteger(value)) return this.fail(e.start, 'rules.offset', `the offset ${value} is not a whole number of bars`)
    if (value > MAX_OFFSET) return this.fail(e.start, 'rules.offset', `the offset ${value} is more than ${MAX_OFFSET} bars`)
    return value
  }

  private call(e: Extract<Expr, {kind: 'call'}>): Typed {
    if (e.callee.kind !== 'name' || !isFunctionName(e.callee.name)) {
      if (e.callee.kind === 'name' && !this.isKnownName(e.callee.name) && !this.names.indicators.has(e.callee.name)) {
        return this.fail(e.callee.start, 'rules.unknown_name', `unknown function \`${e.callee.name}\``, didYouMeanHint(e.callee.name, Object.keys(FUNCTIONS)))
      }
      let root = e.callee
      while (root.kind === 'member' || root.kind === 'index' || root.kind === 'call') root = root.kind === 'call' ? root.callee : root.object
      if (root.kind === 'name' && !this.isKnownName(root.name) && !this.names.indicators.has(root.name)) return this.name(root.name, root.start)
      return this.fail(e.callee.start, 'rules.call', 'only these functions can be called: ' + Object.keys(FUNCTIONS).join(', '))
    }
    const name = e.callee.name
    const spec = FUNCTIONS[name]
    if (e.args.length < spec.min || e.args.length > spec.max) {
      const count = spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`
      return this.fail(e.callee.start, 'rules.arity', `\`${name}\` takes ${count} argument${spec.max === 1 ? '' : 's'}, not ${e.args.length}`, `write ${spec.signature}`)
    }
    if (name === 'time_between') return this.timeBetween(e)
    if (name === 'of' || Object.hasOwn(FIELD_OF, name)) return this.ofCall(e, name)
    if (name === 'rank') return this.rankCall(e)
    const cross = name === 'crosses_above' || name === 'crosses_below'
    if (cross) this.crossDepth++
    const args = e.args.map((a) => this.numberArg(a, name))
    if (cross) this.crossDepth--
    if (args.some((a) => a === undefined)) return undefined
    const irs = args as IR[]
    if (name === 'crosses_above' || name === 'crosses_below') {
      return {ir: {op: 'cross', dir: name === 'crosses_above' ? 1 : -1, slot: this.crossSlot(irs[0], irs[1])}, type: 'boolean'}
    }
    if (name === 'min' || name === 'max') return {ir: {op: 'minmax', fn: name, args: irs}, type: 'number'}
    return {ir: {op: 'unary', fn: name as 'abs' | 'sqrt' | 'log', arg: irs[0]}, type: 'number'}
  }

  /** `of("SYM", x)`, `close_of("SYM")`: read on another symbol of the bot, at the same bar. */
  private ofCall(e: Extract<Expr, {kind: 'call'}>, name: string): Typed {
    if (this.crossDepth > 0) return this.crossSymbolInCross(e, name)
    const symbol = this.symbolArg(e.args[0], name)
    if (symbol === undefined) return undefined
    const arg = name === 'of' ? this.expr(e.args[1]) : this.series(FIELD_OF[name as keyof typeof FIELD_OF], 0)
    if (!arg) return undefined
    return {ir: {op: 'of', symbol, arg: arg.ir}, type: arg.type}
  }

  /** `rank(x)`: one slot per distinct argument; the runtime ranks every symbol's x before any condition is judged. */
  private rankCall(e: Extract<Expr, {kind: 'call'}>): Typed {
    if (this.crossDepth > 0) return this.crossSymbolInCross(e, 'rank')
    const arg = this.numberArg(e.args[0], 'rank')
    if (!arg) return undefined
    const key = JSON.stringify(arg)
    let slot = this.rankKeys.indexOf(key)
    if (slot < 0) {
      slot = this.ranks.push(arg) - 1
      this.rankKeys.push(key)
    }
    return {ir: {op: 'rank', slot}, type: 'number'}
  }

  private crossSymbolInCross(e: Extract<Expr, {kind: 'call'}>, name: string): undefined {
    return this.fail(e.callee.start, 'rules.cross_symbol', `\`${name}\` cannot be used inside crosses_above/crosses_below (crossovers are fed bar by bar, before the other symbols' bars are in)`, 'compare two bars instead, e.g. `close > close_of("QQQ") and close[1] <= of("QQQ", close[1])`')
  }

  /** The symbol of `of(…)`: text in quotes, or a text parameter; one of the bot's symbols when they are known. */
  private symbolArg(a: Expr, fn: string): string | undefined {
    let symbol: string | undefined
    if (a.kind === 'string') symbol = a.value.trim()
    else if (a.kind === 'name') {
      const pname = a.name.startsWith('$') ? a.name.slice(1) : a.name
      const value = this.names.params.get(pname)
      if (typeof value === 'string') symbol = value.trim()
      else if (a.name.startsWith('$') && !this.names.params.has(pname)) return this.param(pname, a.start, true) && undefined
    }
    const example = fn === 'of' ? 'of("QQQ", close)' : `${fn}("QQQ")`
    if (symbol === undefined || symbol === '') return this.fail(a.start, 'rules.symbol', `\`${fn}\` takes a symbol of the bot in quotes, e.g. ${example}`)
    const known = this.names.symbols
    if (known && !known.includes(symbol)) {
      const hint = didYouMeanHint(symbol, known) ?? `add it to the bot's \`symbols:\``
      return this.fail(a.start, 'rules.unknown_symbol', `\`${symbol}\` is not a symbol of this bot; it trades ${known.join(', ')}`, hint)
    }
    this.symbols.add(symbol)
    return symbol
  }

  private numberArg(a: Expr, fn: string): IR | undefined {
    const t = this.expr(a)
    if (!t) return undefined
    if (t.type !== 'number') return this.fail(a.start, 'rules.type', `\`${fn}\` takes numbers; this argument is true/false`)
    return t.ir
  }

  private timeBetween(e: Extract<Expr, {kind: 'call'}>): Typed {
    const bounds = e.args.map((a) => {
      if (a.kind !== 'string') return this.fail(a.start, 'rules.type', '`time_between` takes two times of day in quotes, e.g. time_between("09:30", "10:00")')
      const minutes = parseTimeOfDay(a.value)
      return minutes === undefined ? this.fail(a.start, 'rules.time', `"${a.value}" is not a time of day`, 'write HH:MM, 00:00 to 23:59') : minutes
    })
    if (bounds[0] === undefined || bounds[1] === undefined) return undefined
    this.dailyClock(e.start, '`time_between(…)`')
    this.usesTime = true
    return {ir: {op: 'between', from: bounds[0], to: bounds[1]}, type: 'boolean'}
  }

  private crossSlot(a: IR, b: IR): number {
    const key = JSON.stringify([a, b])
    const found = this.crosses.findIndex((c) => c.key === key)
    if (found >= 0) return found
    this.crosses.push({a, b, key})
    return this.crosses.length - 1
  }

  private unary(e: Extract<Expr, {kind: 'unary'}>): Typed {
    const arg = this.expr(e.arg)
    if (!arg) return undefined
    const logical = e.op === 'not' || e.op === '!'
    if (!logical && e.op !== '-' && e.op !== '+') return this.fail(e.start, 'rules.syntax', `\`${e.op}\` is not an operator of rule expressions`)
    const want: ValueType = logical ? 'boolean' : 'number'
    if (arg.type !== want) {
      const hint = logical ? `\`${e.op}\` applies to what directly follows it: write \`${e.op} (a > b)\`` : undefined
      return this.fail(e.arg.start, 'rules.type', `\`${e.op}\` needs ${describeType(want)}, but this is ${describeType(arg.type)}`, hint)
    }
    if (e.op === '+') return arg
    return {ir: {op: 'unary', fn: logical ? 'not' : 'neg', arg: arg.ir}, type: want}
  }

  private binary(e: Extract<Expr, {kind: 'binary'}>): Typed {
    const op = Object.hasOwn(BINARY, e.op) ? BINARY[e.op] : undefined
    if (!op) {
      const hint = e.op === '===' ? 'write `==`' : e.op === '!==' ? 'write `!=`' : undefined
      return this.fail(e.opStart, 'rules.syntax', `\`${e.op}\` is not an operator of rule expressions`, hint)
    }
    const left = this.expr(e.left)
    const right = this.expr(e.right)
    if (!left || !right) return undefined
    const want: ValueType | undefined = op.kind === 'logic' ? 'boolean' : op.kind === 'equal' ? undefined : 'number'
    for (const [side, node] of [[left, e.left], [right, e.right]] as const) {
      if (want !== undefined && side.type !== want) {
        const hint = op.kind === 'compare' && side.type === 'boolean' ? 'compare two numbers at a time: `a < b and b < c`' : undefined
        return this.fail(node.start, 'rules.type', `\`${e.op}\` needs ${describeType(want)} on both sides, but this is ${describeType(side.type)}`, hint)
      }
    }
    if (want === undefined && left.type !== right.type) return this.fail(e.opStart, 'rules.type', `\`${e.op}\` compares ${describeType(left.type)} with ${describeType(right.type)}`)
    const type: ValueType = op.kind === 'arith' ? 'number' : 'boolean'
    return {ir: {op: 'binary', fn: op.fn, left: left.ir, right: right.ir}, type}
  }

  private conditional(e: Extract<Expr, {kind: 'conditional'}>): Typed {
    const test = this.expr(e.test)
    const then = this.expr(e.then)
    const otherwise = this.expr(e.otherwise)
    if (!test || !then || !otherwise) return undefined
    if (test.type !== 'boolean') return this.fail(e.test.start, 'rules.type', 'the test before `?` must be true/false')
    if (then.type !== otherwise.type) return this.fail(e.otherwise.start, 'rules.type', 'both branches of `? :` must have the same type')
    return {ir: {op: 'if', test: test.ir, then: then.ir, otherwise: otherwise.ir}, type: then.type}
  }
}
