/**
 * YAML tags in a spec. A value that starts with `!` is a tag in YAML (`!foo`, or `!` alone), which
 * the parser takes off the value: `long: ! (close > fast)` reads as `(close > fast)`, a rule of
 * the opposite meaning, and `!fast_up close > fast` as `close > fast`. Found by an audit: the
 * README lists `!` as a rules negation, and such a spec validated clean. No spec field takes a
 * tag, so any but YAML's own (`!!str`, `!!int`…: `tag:yaml.org,2002:`) is an error.
 */
import type {Document, LineCounter} from 'yaml'
import {isScalar, visit} from '../core/yaml.js'
import type {Diagnostic} from '../core/errors.js'

const STANDARD = 'tag:yaml.org,2002:'

export function tagDiagnostics(file: string, doc: Document.Parsed, source: string, lineCounter: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = []
  visit(doc, (_key, node) => {
    const tag = (node as {tag?: unknown} | null)?.tag // an empty value is null
    if (typeof tag !== 'string' || tag.startsWith(STANDARD)) return
    const start = (node as {range?: readonly number[]}).range?.[0] ?? 0
    // The tag's `!` is the last one before the value (a tag sits right before what it tags: on its
    // line, or on the key's line above a block mapping or list).
    const scalar = isScalar(node)
    const from = scalar ? source.lastIndexOf('\n', start - 1) + 1 : 0
    const bang = source.lastIndexOf('!', start)
    const at = bang >= from ? bang : start
    const pos = lineCounter.linePos(at)
    const value = (node as {value?: unknown}).value
    const reads = typeof value === 'string' ? ` and the value reads as ${JSON.stringify(value)}` : ''
    const end = (node as {range?: readonly number[]}).range?.[1] ?? start
    const written = source.slice(at, end).trim()
    const example = written.includes('\n') || written.includes("'") ? `'${tag} …'` : `'${written}'`
    const hint = scalar ? `quote the whole value to keep the \`!\`: ${example}; a rules condition is negated with \`not (…)\`` : 'remove the tag: a spec takes plain mappings and lists'
    out.push({
      severity: 'error',
      file,
      line: pos.line,
      column: pos.col,
      code: 'yaml.tag',
      message: `\`${tag}\` is a YAML tag here, not part of the value: YAML takes it off${reads}`,
      hint,
    })
  })
  return out
}
