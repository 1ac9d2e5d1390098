/**
 * jsep, configured once for rule expressions. jsep only builds an AST (it never evaluates), but
 * its operator tables and hooks are process-wide, so every change is made here and nowhere else:
 *
 * - `and`/`or`/`not` are added as word operators (alongside `&&`, `||`, `!`);
 * - `@` is part of names, so `close@1D` (a higher timeframe's close) is one identifier;
 * - bitwise operators, `??`, `**`, `~` and the `null` literal are removed, so they are syntax
 *   errors rather than things the checker must explain;
 * - two hooks stamp each token with its `start`/`end` character offsets, which jsep does not
 *   record, so errors can point inside the YAML string.
 */
import jsep from 'jsep'

export type JsepNode = jsep.Expression & {start?: number; end?: number}

// Token start offsets, pushed when a token begins and popped when it ends (tokens nest).
const starts: number[] = []
let installed = false

interface ParserState {
  index: number
  readonly expr: string
  readonly code: number
  gobbleNumericLiteral(): jsep.Expression | undefined
}

function install(): void {
  if (installed) return
  installed = true
  for (const op of ['|', '^', '&', '<<', '>>', '>>>', '??', '**']) jsep.removeBinaryOp(op)
  jsep.removeUnaryOp('~')
  jsep.removeLiteral('null')
  jsep.addBinaryOp('or', 1)
  jsep.addBinaryOp('and', 2)
  jsep.addUnaryOp('not')
  // `close@1D`: one name, a bar field on a higher timeframe (the checker splits it).
  jsep.addIdentifierChar('@')
  jsep.hooks.add(
    'gobble-token',
    function (this: ParserState, env: {node?: jsep.Expression}) {
      starts.push(this.index)
      // jsep returns numbers without running 'after-token'; parse them here so every token is stamped.
      const ch = this.code
      if ((ch >= 48 && ch <= 57) || ch === 46) env.node = this.gobbleNumericLiteral()
    } as unknown as jsep.HookCallback,
    true,
  )
  jsep.hooks.add('after-token', function (this: ParserState, env: {node?: JsepNode}) {
    const start = starts.pop()
    const node = env.node
    if (node && start !== undefined && node.start === undefined) {
      let end = this.index
      while (end > start && /\s/.test(this.expr[end - 1])) end--
      node.start = start
      node.end = end
    }
  } as unknown as jsep.HookCallback)
}

/** Parse with jsep; throws jsep's error (with `index`) on a syntax error. */
export function jsepParse(text: string): JsepNode {
  install()
  starts.length = 0
  return jsep(text) as JsepNode
}
