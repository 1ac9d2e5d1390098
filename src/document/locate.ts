/**
 * Maps a path inside the parsed value (as ajv reports it) back to a line and column in the YAML.
 * When the exact node is missing (e.g. a required key that is absent), the nearest existing
 * ancestor is used, pointing at its key so the user sees where to add it.
 */
import type {Document, LineCounter, Node} from 'yaml'
import {isMap, isPair, isScalar} from '../core/yaml.js'
import {scalarOffsets} from './scalar-offsets.js'

export type PathSegment = string | number

export interface Position {
  line: number
  column: number
}

/** `/a/b/0` → ['a', 'b', 0] (JSON pointer, with ~0 ~1 unescaped). */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

export function pathToPointer(path: readonly PathSegment[]): string {
  return path.length === 0 ? '/' : '/' + path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
}

/**
 * Position of the node at `path`. With `at: 'key'` it points at the mapping key that holds the
 * value (better for "unknown key" and "missing key" messages).
 */
export function locate(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], at: 'value' | 'key' = 'value'): Position {
  let node: unknown = doc.contents
  let keyNode: Node | undefined
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment))
      if (!pair) break
      keyNode = pair.key as Node
      node = pair.value
    } else if (node && typeof node === 'object' && 'items' in node && typeof segment === 'number') {
      const items = (node as {items: unknown[]}).items
      if (segment >= items.length) break
      keyNode = undefined
      node = items[segment]
    } else {
      break
    }
  }
  const target = at === 'key' && keyNode ? keyNode : ((node as Node | null) ?? keyNode)
  const offset = target?.range?.[0] ?? keyNode?.range?.[0] ?? 0
  const pos = lineCounter.linePos(offset)
  return {line: pos.line, column: pos.col}
}

/**
 * Position of a character offset inside a scalar's value (for expression errors inside YAML
 * strings). The value's characters are traced back to the text (scalar-offsets.ts): escapes and
 * lines folded together make the value shorter than its source, so the offset added to the
 * scalar's start would point columns, or lines, too early. When they cannot be traced, the scalar.
 */
export function locateInScalar(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], charOffset: number): Position {
  const node = doc.getIn(path as PathSegment[], true) as Node | undefined
  if (!node || !isScalar(node) || !node.range) return locate(doc, lineCounter, path)
  const offsets = scalarOffsets(node)
  const offset = offsets ? offsets[Math.min(Math.max(0, Math.trunc(charOffset) || 0), offsets.length - 1)] : node.range[0]
  const pos = lineCounter.linePos(offset)
  return {line: pos.line, column: pos.col}
}
