#!/usr/bin/env node
// Lists folder-level import cycles under a source root (default: src/ of this repository).
// A folder is the first path segment under the root (src/spec, src/live); a file directly in
// the root is its own node (src/index.ts is "index.ts"). A folder A depends on B when a file in A
// imports a file in B: static imports, `export … from`, type-only imports and `import('…')` all
// count, because any of them makes A unbuildable without B. Each strongly connected component of
// more than one folder is a cycle; it is printed with the files behind every edge inside it.
// Exit 0 and "no folder-level import cycles" when there are none, else exit 1.
//
// Usage: node test/tools/import-cycles.mjs [ROOT]
import {readdirSync, readFileSync, existsSync} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const SOURCE = /\.(?:ts|mts|cts|tsx|js|mjs)$/
const DECLARATIONS = /\.d\.ts$/

/** Every relative module specifier a file names, by any import or re-export form. */
export function specifiers(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const found = []
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from, export {x} from, export * from
    /\bimport\s*['"]([^'"]+)['"]/g, // import './side-effect.js'
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…') and typeof import('…')
  ]
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1])
  return found.filter((s) => s.startsWith('.'))
}

function sourceFiles(dir) {
  const out = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (SOURCE.test(entry.name) && !DECLARATIONS.test(entry.name)) out.push(path)
  }
  return out
}

/** The file a relative specifier names: `./x.js` is `./x.ts` in the source tree. */
function resolveSpecifier(from, spec) {
  const base = resolve(dirname(from), spec)
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')]
  return candidates.find((c) => existsSync(c) && SOURCE.test(c)) ?? base
}

const folderOf = (root, file) => relative(root, file).split(sep)[0]

/** Folder edges with the file pairs that make each: Map<from, Map<to, [fromFile, toFile][]>>. */
export function folderGraph(root) {
  const graph = new Map()
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file)
    if (!graph.has(from)) graph.set(from, new Map())
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const target = resolveSpecifier(file, spec)
      const rel = relative(root, target)
      if (rel.startsWith('..')) continue
      const to = folderOf(root, target)
      if (to === from) continue
      const edges = graph.get(from)
      if (!edges.has(to)) edges.set(to, [])
      const pairs = edges.get(to)
      if (!pairs.some(([a, b]) => a === relative(root, file) && b === rel)) pairs.push([relative(root, file), rel])
    }
  }
  return graph
}

/** Strongly connected components (Tarjan) of more than one folder, each sorted, largest first. */
export function cycles(graph) {
  let index = 0
  const stack = []
  const state = new Map()
  const found = []
  const visit = (node) => {
    state.set(node, {index, low: index, onStack: true})
    index++
    stack.push(node)
    for (const next of (graph.get(node) ?? new Map()).keys()) {
      if (!state.has(next)) {
        visit(next)
        state.get(node).low = Math.min(state.get(node).low, state.get(next).low)
      } else if (state.get(next).onStack) {
        state.get(node).low = Math.min(state.get(node).low, state.get(next).index)
      }
    }
    if (state.get(node).low === state.get(node).index) {
      const component = []
      let member
      do {
        member = stack.pop()
        state.get(member).onStack = false
        component.push(member)
      } while (member !== node)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node)
  return found.sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]))
}

export function report(root) {
  const graph = folderGraph(root)
  const components = cycles(graph)
  if (components.length === 0) return {text: `no folder-level import cycles under ${root}\n`, count: 0}
  const lines = [`${components.length} folder-level import cycle(s) under ${root}:`]
  for (const component of components) {
    lines.push('', `{${component.join(', ')}}`)
    for (const from of component) {
      for (const [to, files] of [...graph.get(from)].sort(([a], [b]) => a.localeCompare(b))) {
        if (!component.includes(to)) continue
        lines.push(`  ${from} -> ${to}`)
        for (const [a, b] of files) lines.push(`    ${a} -> ${b}`)
      }
    }
  }
  return {text: `${lines.join('\n')}\n`, count: components.length}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src'))
  const {text, count} = report(root)
  process.stdout.write(text)
  process.exitCode = count === 0 ? 0 : 1
}
