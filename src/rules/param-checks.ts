/**
 * A strategy spec's `checks:`: conditions relating its parameters (`fast < slow`) that a bot's
 * values must meet, as a plugin's `check()` does. JSON Schema checks each parameter alone. A check
 * is written in the rules' expression syntax and reads parameters only: numbers, text and
 * true/false, with arithmetic, comparisons, `and` `or` `not` and `a ? b : c`. `bots validate`
 * checks a bot's params against them, a run refuses params that fail one, and a sweep skips the
 * combinations that do (as it does a plugin's).
 */
import {didYouMeanHint} from '../core/suggest.js'
import {parseExpression, type Expr} from './expr/syntax.js'
import {BINARY, rewritePlaceholders} from './expr/operators.js'
import type {ParamDeclaration} from './param-declarations.js'

export interface ParamCheck {
  /** Must be true for the params, e.g. `fast < slow`. */
  condition: string
  /** Said when it is false (else the condition itself); the values it read are added. */
  message?: string
  hint?: string
}

/** A check that cannot be compiled: where in `checks[index].condition`, and why. */
export interface CheckProblem {
  index: number
  offset: number
  message: string
  hint?: string
}

/** A compiled check: `holds` reads the parameter values (defaults filled in). */
export interface CompiledCheck {
  check: ParamCheck
  /** The parameters it reads, in order of first use. */
  names: string[]
  holds(values: ReadonlyMap<string, unknown>): boolean
}

type Type = 'number' | 'text' | 'boolean'
type Value = number | string | boolean
interface Node {
  type: Type
  read: (values: ReadonlyMap<string, unknown>) => Value
}

class Refuse extends Error {
  constructor(readonly offset: number, message: string, readonly hint?: string) {
    super(message)
  }
}

const TYPE_OF: Record<ParamDeclaration['type'], Type> = {integer: 'number', number: 'number', string: 'text', boolean: 'boolean'}
const WORDS: Record<Type, string> = {number: 'a number', text: 'text', boolean: 'true/false'}

export function compileParamChecks(checks: readonly ParamCheck[], declared: Readonly<Record<string, ParamDeclaration>>): {compiled: CompiledCheck[]; problems: CheckProblem[]} {
  const compiled: CompiledCheck[] = []
  const problems: CheckProblem[] = []
  checks.forEach((check, index) => {
    // `${fast}` reads as `$fast` plus spaces (same offsets), a name like `fast`.
    const parsed = parseExpression(rewritePlaceholders(check.condition))
    if (!parsed.ok) {
      problems.push({index, ...parsed.problem})
      return
    }
    const names: string[] = []
    try {
      const node = compile(parsed.expr, declared, names)
      if (node.type !== 'boolean') throw new Refuse(parsed.expr.start, `a check must be true or false, and this is ${WORDS[node.type]}`, 'compare it, e.g. `fast < slow`')
      compiled.push({check, names, holds: (values) => node.read(values) === true})
    } catch (error) {
      if (!(error instanceof Refuse)) throw error
      problems.push({index, offset: error.offset, message: error.message, hint: error.hint})
    }
  })
  return {compiled, problems}
}

/** What a failed check says: its message (or condition) and the values it read. */
export function describeFailure(c: CompiledCheck, values: ReadonlyMap<string, unknown>): string {
  const read = c.names.map((n) => `${n} = ${JSON.stringify(values.get(n))}`).join(', ')
  return `${c.check.message ?? `\`${c.check.condition}\` does not hold`} (${read})`
}

function compile(e: Expr, declared: Readonly<Record<string, ParamDeclaration>>, names: string[]): Node {
  switch (e.kind) {
    case 'number':
      return {type: 'number', read: () => e.value}
    case 'string':
      return {type: 'text', read: () => e.value}
    case 'boolean':
      return {type: 'boolean', read: () => e.value}
    case 'name': {
      const name = e.name.startsWith('$') ? e.name.slice(1) : e.name
      const d = Object.hasOwn(declared, name) ? declared[name] : undefined
      if (d === undefined) {
        const known = Object.keys(declared)
        throw new Refuse(e.start, `\`${name}\` is not a parameter of this strategy`, didYouMeanHint(name, known) ?? (known.length > 0 ? `checks read the parameters: ${known.join(', ')}` : 'declare it under `params:`'))
      }
      if (!names.includes(name)) names.push(name)
      return {type: TYPE_OF[d.type], read: (values) => values.get(name) as Value}
    }
    case 'unary': {
      const arg = compile(e.arg, declared, names)
      if (e.op === '-' || e.op === '+') {
        expect(arg, 'number', e.arg.start, `\`${e.op}\``)
        return e.op === '-' ? {type: 'number', read: (v) => -(arg.read(v) as number)} : arg
      }
      expect(arg, 'boolean', e.arg.start, `\`${e.op}\``)
      return {type: 'boolean', read: (v) => !arg.read(v)}
    }
    case 'binary':
      return binary(e, compile(e.left, declared, names), compile(e.right, declared, names))
    case 'conditional': {
      const test = compile(e.test, declared, names)
      expect(test, 'boolean', e.test.start, 'the test of `? :`')
      const then = compile(e.then, declared, names)
      const otherwise = compile(e.otherwise, declared, names)
      if (then.type !== otherwise.type) throw new Refuse(e.otherwise.start, `both branches of \`? :\` must be of one type (here ${WORDS[then.type]} and ${WORDS[otherwise.type]})`)
      return {type: then.type, read: (v) => (test.read(v) ? then.read(v) : otherwise.read(v))}
    }
    default:
      throw new Refuse(e.start, 'a check reads the parameters only: no functions, bar fields or indicators', 'e.g. `fast < slow` or `stop_percent < take_percent`')
  }
}

function binary(e: Extract<Expr, {kind: 'binary'}>, left: Node, right: Node): Node {
  const op = BINARY[e.op]
  if (op === undefined) throw new Refuse(e.opStart, `\`${e.op}\` is not an operator of rule expressions`)
  const l = left.read
  const r = right.read
  switch (op.kind) {
    case 'logic':
      expect(left, 'boolean', e.left.start, `\`${e.op}\``)
      expect(right, 'boolean', e.right.start, `\`${e.op}\``)
      return {type: 'boolean', read: op.fn === 'and' ? (v) => l(v) === true && r(v) === true : (v) => l(v) === true || r(v) === true}
    case 'arith': {
      expect(left, 'number', e.left.start, `\`${e.op}\``)
      expect(right, 'number', e.right.start, `\`${e.op}\``)
      const f = ARITH[op.fn]
      return {type: 'number', read: (v) => f(l(v) as number, r(v) as number)}
    }
    case 'compare':
    case 'equal': {
      if (op.kind === 'compare' && left.type === 'boolean') throw new Refuse(e.left.start, `\`${e.op}\` compares numbers or text, not true/false`)
      if (left.type !== right.type) throw new Refuse(e.right.start, `\`${e.op}\` compares ${WORDS[left.type]} with ${WORDS[right.type]}`)
      const f = COMPARE[op.fn]
      return {type: 'boolean', read: (v) => f(l(v), r(v))}
    }
  }
}

function expect(n: Node, type: Type, offset: number, what: string): void {
  if (n.type !== type) throw new Refuse(offset, `${what} needs ${WORDS[type]}, and this is ${WORDS[n.type]}`)
}

const ARITH: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  mod: (a, b) => a % b,
}

const COMPARE: Record<string, (a: Value, b: Value) => boolean> = {
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
}
