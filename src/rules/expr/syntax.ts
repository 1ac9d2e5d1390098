/**
 * Rule expressions as a small AST of our own, each node with its character range in the source
 * text. jsep does the parsing; this file bounds the input (length, nesting) before jsep sees it,
 * turns jsep's nodes into ours, fills in the ranges jsep's hooks could not stamp (inner parts of
 * `a.b[1](x)` chains, binary operators), and rejects every construct the language lacks.
 */
import type jsep from 'jsep'
import {jsepParse, type JsepNode} from './jsep-setup.js'

export const MAX_EXPRESSION_LENGTH = 2000
export const MAX_NESTING = 32

interface Span {
  start: number
  end: number
}

export type Expr = Span &
  (
    | {kind: 'number'; value: number}
    | {kind: 'boolean'; value: boolean}
    | {kind: 'string'; value: string}
    | {kind: 'name'; name: string}
    | {kind: 'member'; object: Expr; property: string; propertyStart: number}
    | {kind: 'index'; object: Expr; index: Expr}
    | {kind: 'call'; callee: Expr; args: Expr[]}
    | {kind: 'unary'; op: string; arg: Expr}
    | {kind: 'binary'; op: string; left: Expr; right: Expr; opStart: number}
    | {kind: 'conditional'; test: Expr; then: Expr; otherwise: Expr}
  )

export interface SyntaxProblem {
  offset: number
  message: string
  hint?: string
}

export type ParseResult = {ok: true; expr: Expr} | {ok: false; problem: SyntaxProblem}

class Reject extends Error {
  constructor(readonly problem: SyntaxProblem) {
    super(problem.message)
  }
}

export function parseExpression(text: string): ParseResult {
  const bounds = checkBounds(text)
  if (bounds) return {ok: false, problem: bounds}
  let root: JsepNode
  try {
    root = jsepParse(text)
  } catch (error) {
    if (error instanceof RangeError) return {ok: false, problem: {offset: 0, message: 'the expression is nested too deeply'}}
    const e = error as {index?: number; description?: string; message?: string}
    return {ok: false, problem: syntaxProblem(text, e.index ?? 0, e.description ?? e.message ?? 'syntax error')}
  }
  if (!root || (root.type === 'Compound' && (root.body as unknown[]).length === 0)) {
    return {ok: false, problem: {offset: 0, message: 'the expression is empty', hint: 'write a condition such as `close > sma_50`'}}
  }
  try {
    return {ok: true, expr: new Converter(text).convert(root, 0)}
  } catch (error) {
    if (error instanceof Reject) return {ok: false, problem: error.problem}
    throw error
  }
}

/** Length and bracket depth, checked on the raw text so no parser recursion can run away. */
function checkBounds(text: string): SyntaxProblem | undefined {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return {offset: MAX_EXPRESSION_LENGTH, message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, hint: 'split it with helper indicators'}
  }
  let depth = 0
  let quote = ''
  let unary = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = ''
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '(' || c === '[') depth++
    else if (c === ')' || c === ']') depth--
    if (c === '-' || c === '+' || c === '!') unary++
    else if (c !== ' ') unary = 0
    if (depth > MAX_NESTING || unary > MAX_NESTING) return {offset: i, message: `the expression is nested more than ${MAX_NESTING} levels deep`}
  }
  if (/`/.test(text)) return {offset: text.indexOf('`'), message: 'template strings are not part of rule expressions', hint: 'text appears only in `time_between("09:30", "10:00")`'}
  return undefined
}

function syntaxProblem(text: string, index: number, description: string): SyntaxProblem {
  const at = Math.min(index, text.length)
  const ch = text[at]
  if (ch === '=' && text[at + 1] === '>') return {offset: at, message: 'functions cannot be defined in rule expressions'}
  if (ch === '=' && text[at + 1] !== '=') return {offset: at, message: 'assignments are not allowed in rule expressions', hint: 'compare with `==`'}
  if (/Unclosed|Expected/.test(description)) return {offset: at, message: description.charAt(0).toLowerCase() + description.slice(1)}
  if (ch === undefined) return {offset: Math.max(0, at - 1), message: 'the expression ends too early', hint: 'an operator or bracket is missing its other side'}
  return {offset: at, message: `unexpected "${ch}"`}
}

class Converter {
  constructor(private readonly text: string) {}

  /** `leftStart`: where a chain (`a.b(c)[1]`) begins, for the inner nodes jsep did not stamp. */
  convert(n: JsepNode, leftStart: number): Expr {
    const start = n.start ?? leftStart
    switch (n.type) {
      case 'Literal':
        return this.literal(n as jsep.Literal & JsepNode, start)
      case 'Identifier': {
        const name = (n as jsep.Identifier).name
        return {kind: 'name', name, start, end: n.end ?? start + name.length}
      }
      case 'ThisExpression':
        return {kind: 'name', name: 'this', start, end: n.end ?? start + 4}
      case 'MemberExpression':
        return this.member(n as jsep.MemberExpression & JsepNode, start)
      case 'CallExpression': {
        const c = n as jsep.CallExpression & JsepNode
        const callee = this.convert(c.callee as JsepNode, start)
        const args = c.arguments.map((a) => this.convert(a as JsepNode, start))
        const from = args.length > 0 ? args[args.length - 1].end : callee.end
        return {kind: 'call', callee, args, start, end: n.end ?? this.after(from, ')')}
      }
      case 'UnaryExpression': {
        const u = n as jsep.UnaryExpression & JsepNode
        const arg = this.convert(u.argument as JsepNode, start)
        return {kind: 'unary', op: u.operator, arg, start, end: n.end ?? arg.end}
      }
      case 'BinaryExpression': {
        const b = n as jsep.BinaryExpression & JsepNode
        const left = this.convert(b.left as JsepNode, start)
        const right = this.convert(b.right as JsepNode, left.end)
        const opStart = this.operatorAt(left.end, b.operator)
        return {kind: 'binary', op: b.operator, left, right, opStart, start: n.start ?? left.start, end: n.end ?? right.end}
      }
      case 'ConditionalExpression': {
        const c = n as jsep.ConditionalExpression & JsepNode
        const test = this.convert(c.test as JsepNode, start)
        const then = this.convert(c.consequent as JsepNode, test.end)
        const otherwise = this.convert(c.alternate as JsepNode, then.end)
        return {kind: 'conditional', test, then, otherwise, start: n.start ?? test.start, end: n.end ?? otherwise.end}
      }
      case 'Compound': {
        const body = (n as jsep.Compound).body as JsepNode[]
        if (body[0]?.type === 'Identifier' && (body[0] as jsep.Identifier).name === 'new') throw new Reject({offset: start, message: '`new` is not part of rule expressions'})
        const second = body[1] ? this.convert(body[1], start).start : start
        throw new Reject({offset: second, message: 'one expression expected, found several', hint: 'join conditions with `and` / `or`'})
      }
      case 'ArrayExpression':
        throw new Reject({offset: start, message: 'lists are not part of rule expressions'})
      default:
        throw new Reject({offset: start, message: `${n.type} is not part of rule expressions`})
    }
  }

  private literal(n: jsep.Literal & JsepNode, start: number): Expr {
    const end = n.end ?? start + String(n.raw).length
    if (typeof n.value === 'number') {
      if (!Number.isFinite(n.value)) throw new Reject({offset: start, message: `the number ${n.raw} is too large`})
      return {kind: 'number', value: n.value, start, end}
    }
    if (typeof n.value === 'boolean') return {kind: 'boolean', value: n.value, start, end}
    if (typeof n.value === 'string') return {kind: 'string', value: n.value, start, end}
    throw new Reject({offset: start, message: `${String(n.raw)} is not part of rule expressions`})
  }

  private member(m: jsep.MemberExpression & JsepNode, start: number): Expr {
    const object = this.convert(m.object as JsepNode, start)
    if (m.optional) throw new Reject({offset: object.end, message: '`?.` is not part of rule expressions'})
    if (m.computed) {
      const index = this.convert(m.property as JsepNode, object.end)
      return {kind: 'index', object, index, start, end: m.end ?? this.after(index.end, ']')}
    }
    const name = (m.property as jsep.Identifier).name
    const dot = this.text.indexOf('.', object.end)
    let propertyStart = dot + 1
    while (/\s/.test(this.text[propertyStart] ?? '')) propertyStart++
    return {kind: 'member', object, property: name, propertyStart, start, end: m.end ?? propertyStart + name.length}
  }

  /** Offset just past the first `close` character at or after `from`. */
  private after(from: number, close: string): number {
    const i = this.text.indexOf(close, from)
    return i < 0 ? this.text.length : i + 1
  }

  private operatorAt(from: number, op: string): number {
    let i = from
    while (i < this.text.length && (/\s/.test(this.text[i]) || this.text[i] === ')')) i++
    return this.text.startsWith(op, i) ? i : Math.max(0, this.text.indexOf(op, from))
  }
}
