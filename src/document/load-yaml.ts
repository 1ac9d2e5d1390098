/**
 * Reads a YAML spec with source positions. Every failure becomes a located Diagnostic, never a
 * thrown stack: unreadable files, files that are not regular (FIFOs, devices, sockets), oversize
 * files, invalid UTF-8, empty files, several documents, syntax errors, duplicate keys, alias bombs
 * (the library's default alias cap stays on), YAML tags (yaml-tags.ts), and a top level that is
 * not a mapping.
 */
import type {Document, LineCounter, YAMLError} from 'yaml'
import {YamlLineCounter, isMap, parseAllDocuments, visit} from '../core/yaml.js'
import type {Diagnostic} from '../core/errors.js'
import {readRegularFile} from '../core/regular-file.js'
import {tagDiagnostics} from './yaml-tags.js'

/** Specs are small; anything larger is a mistake (a data file passed as a spec) or an attack. */
export const MAX_SPEC_BYTES = 1024 * 1024

export interface LoadedYaml {
  file: string
  source: string
  doc: Document.Parsed
  lineCounter: LineCounter
  value: Record<string, unknown>
}

export type LoadResult = {ok: true; yaml: LoadedYaml} | {ok: false; diagnostics: Diagnostic[]}

const fail = (file: string, code: string, message: string, hint?: string, line?: number, column?: number): LoadResult => ({
  ok: false,
  diagnostics: [{severity: 'error', file, line, column, code, message, hint}],
})

export async function loadYamlFile(file: string): Promise<LoadResult> {
  let bytes: Buffer
  try {
    // Only a regular file (symlinks followed), read up to the cap by bytes actually read: a FIFO
    // would block forever and `/dev/zero` never ends (its `stat` size is 0).
    const read = await readRegularFile(file, MAX_SPEC_BYTES)
    if (!read.ok && read.problem === 'not_regular') {
      if (read.kind === 'a folder') return fail(file, 'file.directory', 'is a folder, not a YAML file')
      return fail(file, 'file.not_regular', `is ${read.kind}, not a regular file`, 'a spec must be a regular YAML file; devices, named pipes and sockets are not read')
    }
    if (!read.ok) {
      return fail(file, 'file.too_large', `is ${read.atLeast > MAX_SPEC_BYTES + 1 ? `${read.atLeast} bytes` : `more than ${MAX_SPEC_BYTES} bytes`}; specs may be at most ${MAX_SPEC_BYTES} bytes`, 'is this a data file? data belongs in `data.path`, not in a spec')
    }
    bytes = read.bytes
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})`
    return fail(file, 'file.unreadable', reason)
  }
  return parseYamlText(file, bytes)
}

export function parseYamlText(file: string, bytes: Uint8Array): LoadResult {
  let source: string
  try {
    source = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    return fail(file, 'file.encoding', `is not valid UTF-8 (byte ${at.offset})`, 'save the file as UTF-8', at.line, at.column)
  }
  if (onlyCommentsOrBlank(source)) {
    return fail(file, 'yaml.empty', 'is empty', 'a bot spec starts with `name:`, `strategy:`, `symbols:` and `timeframe:`; see `bots schema bot`', 1, 1)
  }

  const lineCounter = new YamlLineCounter()
  // Source tokens let an error inside a scalar's value be traced to its line and column (scalar-offsets.ts).
  const docs = parseAllDocuments(source, {lineCounter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: true})
  const list = Array.isArray(docs) ? docs : [docs]
  if (list.length > 1) {
    const second = list[1]
    const pos = lineCounter.linePos(second.range[0])
    return fail(file, 'yaml.multiple_documents', 'holds more than one YAML document', 'put one spec per file (remove the `---` separator)', pos.line, pos.col)
  }
  const doc = list[0] as Document.Parsed
  const problems = [...doc.errors]
  const tab = tabIndentation(source, lineCounter, problems)
  if (tab) return fail(file, 'yaml.syntax', 'tabs are not allowed for indentation in YAML', tab.hint, tab.line, tab.column)
  if (problems.length > 0) {
    return {
      ok: false,
      diagnostics: problems.map((e) => {
        const pos = lineCounter.linePos(opener(doc, source, e) ?? e.pos[0])
        const duplicate = e.code === 'DUPLICATE_KEY'
        return {
          severity: 'error' as const,
          file,
          line: pos.line,
          column: pos.col,
          code: duplicate ? 'yaml.duplicate_key' : 'yaml.syntax',
          message: duplicate ? 'duplicate key: a key may appear only once in a mapping' : firstLine(e.message),
          hint: duplicate ? 'remove or rename one of the two keys' : syntaxHint(lineText(source, lineCounter, pos.line)),
        }
      }).filter((d, i, all) => all.findIndex((o) => o.line === d.line && o.column === d.column && o.message === d.message) === i), // nested unclosed brackets: one error each, both at the innermost opener
    }
  }

  const tags = tagDiagnostics(file, doc, source, lineCounter)
  if (tags.length > 0) return {ok: false, diagnostics: tags}

  let value: unknown
  try {
    value = doc.toJS() // default maxAliasCount: an alias bomb stops here in milliseconds
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (/alias/i.test(message)) {
      return fail(file, 'yaml.alias_bomb', 'expands too many aliases (possible resource-exhaustion attack)', 'avoid nesting anchors (`&a`) inside aliases (`*a`)', 1, 1)
    }
    return fail(file, 'yaml.syntax', firstLine(message), undefined, 1, 1)
  }

  if (!isMap(doc.contents)) {
    const pos = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]) : {line: 1, col: 1}
    const got = value === null ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`
    return fail(file, 'yaml.not_mapping', `top level must be a mapping of keys to values, but is ${got}`, 'start the file with `name: my-bot`', pos.line, pos.col)
  }
  return {ok: true, yaml: {file, source, doc, lineCounter, value: value as Record<string, unknown>}}
}

/**
 * YAML indents with spaces only. A tab in a line's indentation makes the library read another
 * structure, and besides "Tabs are not allowed as indentation" (or instead of it) it reports what
 * that misreading leads to: a duplicate key that is none, a nested mapping in a compact one, a
 * block scalar line "less indented", a flow collection "not sufficiently indented". Those would
 * send the user after the wrong problem, so a tab is the one error reported, at the first line it
 * indents. Only lines the library complains about count: a tab after `key:`, inside brackets,
 * before a comment or inside a block scalar's text is valid YAML and never reaches here.
 */
function tabIndentation(source: string, lineCounter: LineCounter, errors: readonly YAMLError[]): {line: number; column: number; hint: string} | undefined {
  const tabbed = new Map<number, number>() // line → column of the tab in its indentation
  for (const e of errors) {
    const pos = lineCounter.linePos(e.pos[0])
    const column = indentingTab(lineText(source, lineCounter, pos.line)) ?? (e.code === 'TAB_AS_INDENT' ? pos.col : undefined)
    if (column !== undefined && !tabbed.has(pos.line)) tabbed.set(pos.line, column)
  }
  if (tabbed.size === 0) return undefined
  const [first, ...others] = [...tabbed.keys()].sort((a, b) => a - b)
  const also = others.length === 0 ? '' : `; ${others.length === 1 ? 'line' : 'lines'} ${listed(others)} ${others.length === 1 ? 'is' : 'are'} indented with a tab too`
  return {line: first, column: tabbed.get(first)!, hint: `indent with spaces instead${also}`}
}

/** Column of the first tab in the line's leading white space, when content (not a comment) follows. */
function indentingTab(line: string): number | undefined {
  const indent = /^[ \t]*/.exec(line)![0]
  const rest = line.slice(indent.length).replace(/\r$/, '')
  const tab = indent.indexOf('\t')
  return tab < 0 || rest === '' || rest.startsWith('#') ? undefined : tab + 1
}

/** What to check on a line YAML could not read: a value starting with `!` (a tag to YAML) is the usual trap of rules conditions. */
function syntaxHint(line: string): string {
  const bang = /(?:^|[:,{[-])\s+(![^!\s'"][^#]*?)\s*(?:#.*)?$/.exec(line)
  if (bang) return `a value that starts with \`!\` is read as a YAML tag: quote the whole value ('${bang[1].replace(/[}\]]+$/, '').trim()}'); a rules condition is negated with \`not (…)\``
  return 'check indentation, quotes and brackets on this line or the one before'
}

function lineText(source: string, lineCounter: LineCounter, line: number): string {
  const start = lineCounter.lineStarts[line - 1] ?? source.length
  const next = lineCounter.lineStarts[line]
  return source.slice(start, next === undefined ? source.length : next - 1)
}

/** 6, 9 and 12; the first five, then how many more. */
function listed(lines: number[]): string {
  const shown = lines.slice(0, 5).map(String)
  if (lines.length > 5) return `${shown.join(', ')} and ${lines.length - 5} more`
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
}

/**
 * The yaml library reports an unclosed bracket or quote where it gave up (often the next line);
 * the mistake is at the opener, so point there: the start of the innermost flow collection or
 * quoted scalar of that kind around the error, not the last such character before it in the text,
 * which may sit in a string, a nested collection or an escape (`\"`, `''`). Other MISSING_CHAR
 * errors (a key without its `:`) have no opener.
 */
function opener(doc: Document.Parsed, source: string, e: YAMLError): number | undefined {
  const message = e.message
  const open = /Flow sequence/.test(message) ? '[' : /Flow map/.test(message) ? '{' : e.code !== 'MISSING_CHAR' ? undefined : /Missing closing "quote/.test(message) ? '"' : /Missing closing 'quote/.test(message) ? "'" : undefined
  if (open === undefined) return undefined
  const pos = e.pos[0]
  let start: number | undefined
  const consider = (range: readonly number[] | null | undefined) => {
    if (range && range[0] <= pos && pos <= range[2] && (start === undefined || range[0] > start)) start = range[0]
  }
  const quote = open === '"' ? 'QUOTE_DOUBLE' : open === "'" ? 'QUOTE_SINGLE' : undefined
  visit(doc, {
    Seq(_, node) {
      if (open === '[' && node.flow) consider(node.range)
    },
    Map(_, node) {
      if (open === '{' && node.flow) consider(node.range)
    },
    Scalar(_, node) {
      if (quote !== undefined && node.type === quote) consider(node.range)
    },
  })
  if (start !== undefined && source[start] === open) return start
  // No such node (the library gave up before making one): the nearest opener before the error.
  const at = source.lastIndexOf(open, Math.min(pos, source.length - 1))
  return at >= 0 ? at : undefined
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
}

function firstInvalidUtf8(bytes: Uint8Array): {offset: number; line: number; column: number} {
  // Decode prefixes to find the first offending byte; specs are small, so linear is fine.
  const decoder = new TextDecoder('utf-8', {fatal: true})
  let lo = 0
  let hi = bytes.length
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    try {
      decoder.decode(bytes.subarray(0, mid))
      lo = mid
    } catch {
      hi = mid - 1
    }
  }
  // Truncated multi-byte sequences at the prefix end also fail, so back up to a char boundary.
  const good = new TextDecoder('utf-8').decode(bytes.subarray(0, lo)).replace(/\uFFFD$/, '')
  const lines = good.split('\n')
  return {offset: Buffer.byteLength(good), line: lines.length, column: lines[lines.length - 1].length + 1}
}

/**
 * True when every line is blank or a comment. Line by line, never one regular expression over the
 * whole text: the nested-quantifier pattern that did this took seconds on 15 comment lines and
 * never finished on thousands (catastrophic backtracking).
 */
export function onlyCommentsOrBlank(source: string): boolean {
  for (const line of source.split('\n')) {
    const t = line.trim()
    if (t !== '' && !t.startsWith('#')) return false
  }
  return true
}
