/**
 * Reads a YAML spec with source positions. Every failure becomes a located Diagnostic, never a
 * thrown stack: unreadable files, files that are not regular (FIFOs, devices, sockets), oversize
 * files, invalid UTF-8, empty files, several documents, syntax errors, duplicate keys, alias bombs
 * (the library's default alias cap stays on), and a top level that is not a mapping.
 */
import type {Document, LineCounter} from 'yaml'
import {YamlLineCounter, isMap, parseAllDocuments} from '../core/yaml.js'
import type {Diagnostic} from '../core/errors.js'
import {readRegularFile} from '../core/regular-file.js'

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
  const docs = parseAllDocuments(source, {lineCounter, uniqueKeys: true, prettyErrors: false})
  const list = Array.isArray(docs) ? docs : [docs]
  if (list.length > 1) {
    const second = list[1]
    const pos = lineCounter.linePos(second.range[0])
    return fail(file, 'yaml.multiple_documents', 'holds more than one YAML document', 'put one spec per file (remove the `---` separator)', pos.line, pos.col)
  }
  const doc = list[0] as Document.Parsed
  const problems = [...doc.errors]
  if (problems.length > 0) {
    return {
      ok: false,
      diagnostics: problems.map((e) => {
        const pos = lineCounter.linePos(opener(source, e.code, e.message, e.pos[0]) ?? e.pos[0])
        const duplicate = e.code === 'DUPLICATE_KEY'
        return {
          severity: 'error' as const,
          file,
          line: pos.line,
          column: pos.col,
          code: duplicate ? 'yaml.duplicate_key' : 'yaml.syntax',
          message: duplicate ? 'duplicate key: a key may appear only once in a mapping' : firstLine(e.message),
          hint: duplicate ? 'remove or rename one of the two keys' : 'check indentation, quotes and brackets on this line or the one before',
        }
      }),
    }
  }

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
 * The yaml library reports an unclosed bracket or quote where it gave up (often the next line);
 * the mistake is at the opener, so point there.
 */
function opener(source: string, code: string, message: string, pos: number): number | undefined {
  const open = /Flow sequence/.test(message) ? '[' : /Flow map/.test(message) ? '{' : code === 'MISSING_CHAR' ? /"/.test(message) ? '"' : "'" : undefined
  if (open === undefined) return undefined
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
