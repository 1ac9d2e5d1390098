/**
 * Where each character of a scalar's value comes from in the YAML text. A check that finds a
 * problem at character N of a string (an expression error) needs the line and column of that
 * character, and the value is not the text between the quotes: escapes (`\n`, `\"`, `\u00e9`)
 * are shorter in the value, and a scalar written over several lines loses its line breaks and
 * indentation (folded into a space), so counting N characters from the scalar's start lands
 * columns or whole lines too early.
 *
 * The walk below mirrors the `yaml` package's own resolution (compose/resolve-flow-scalar.js and
 * resolve-block-scalar.js) step for step, building the value alongside; `scalarOffsets` returns
 * nothing unless that value equals the one the package produced, so a construct this copy gets
 * wrong (or a future version of the package reads differently) points at the scalar instead of
 * at a wrong character.
 */
import type {CST, Scalar} from 'yaml'

/** The value built so far, each UTF-16 unit with the source offset it came from. */
class Mapped {
  text = ''
  readonly at: number[] = []
  /** Source offset just past the last text taken (where an offset at the value's end points). */
  end: number

  constructor(start: number) {
    this.end = start
  }

  /** `chars`, all produced by the source text at `from`, up to `to` (an escape, a fold). */
  put(chars: string, from: number, to = from + 1): void {
    for (let i = 0; i < chars.length; i++) this.at.push(from)
    this.text += chars
    this.end = to
  }

  /** `source[from, to)` taken as it is; `base` is `source`'s offset in the file. */
  copy(source: string, from: number, to: number, base: number): void {
    for (let i = from; i < to; i++) this.at.push(base + i)
    this.text += source.slice(from, to)
    if (to > from) this.end = base + to
  }
}

/**
 * Source offsets of `node`'s value: `[i]` for character i, and one more for the end of the value.
 * Undefined without a source token (a document parsed without `keepSourceTokens`) or when the
 * walk does not rebuild the package's value.
 */
export function scalarOffsets(node: Scalar): number[] | undefined {
  const token = (node as Scalar.Parsed).srcToken
  if (!token || typeof node.value !== 'string') return undefined
  let m: Mapped
  switch (token.type) {
    case 'double-quoted-scalar':
      m = doubleQuoted(token.source, token.offset)
      break
    case 'single-quoted-scalar':
      m = singleQuoted(token.source, token.offset)
      break
    case 'scalar':
      m = new Mapped(token.offset)
      unfold(m, token.source, token.offset)
      break
    case 'block-scalar':
      m = blockScalar(token)
      break
    default:
      return undefined
  }
  return m.text === node.value ? [...m.at, m.end] : undefined
}

/** Plain and single-quoted line folding: trim each line, one break → a space, N breaks → N-1 newlines. */
function unfold(m: Mapped, source: string, base: number): void {
  // Each line's text [from, to); `to` is also where its line break (`\n` or `\r\n`) starts.
  const lines: Array<{from: number; to: number}> = []
  for (let from = 0; ; ) {
    const nl = source.indexOf('\n', from)
    if (nl < 0) {
      lines.push({from, to: source.length})
      break
    }
    lines.push({from, to: nl > from && source[nl - 1] === '\r' ? nl - 1 : nl})
    from = nl + 1
  }
  if (lines.length === 1) return m.copy(source, 0, source.length, base)
  const first = lines[0]
  m.copy(source, first.from, trimEnd(source, first.from, first.to), base)
  let sep = ' '
  let sepAt = base + first.to
  for (const line of lines.slice(1, -1)) {
    const from = trimStart(source, line.from, line.to)
    const to = trimEnd(source, from, line.to)
    if (from === to) {
      if (sep === '\n') m.put('\n', sepAt)
      ;[sep, sepAt] = ['\n', base + line.to]
    } else {
      m.put(sep, sepAt)
      m.copy(source, from, to, base)
      ;[sep, sepAt] = [' ', base + line.to]
    }
  }
  const last = lines[lines.length - 1]
  m.put(sep, sepAt)
  m.copy(source, trimStart(source, last.from, last.to), last.to, base)
}

const blank = (c: string | undefined) => c === ' ' || c === '\t'

function trimStart(s: string, from: number, to: number): number {
  while (from < to && blank(s[from])) from++
  return from
}

function trimEnd(s: string, from: number, to: number): number {
  while (to > from && blank(s[to - 1])) to--
  return to
}

function singleQuoted(source: string, base: number): Mapped {
  const folded = new Mapped(base + 1)
  unfold(folded, source.slice(1, -1), base + 1)
  const m = new Mapped(folded.end)
  for (let i = 0; i < folded.text.length; i++) {
    m.put(folded.text[i], folded.at[i], folded.at[i] + (folded.text[i] === "'" ? 2 : 1))
    if (folded.text[i] === "'" && folded.text[i + 1] === "'") i++
  }
  m.end = folded.end
  return m
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
}

function doubleQuoted(source: string, base: number): Mapped {
  const m = new Mapped(base + 1)
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i]
    if (ch === '\r' && source[i + 1] === '\n') continue
    if (ch === '\n') {
      // Folded: the break and the next line's indentation become a space, or a newline per blank line.
      let fold = ''
      let j = i
      for (let c = source[j + 1]; blank(c) || c === '\n' || c === '\r'; c = source[j + 1]) {
        if (c === '\r' && source[j + 2] !== '\n') break
        if (c === '\n') fold += '\n'
        j++
      }
      m.put(fold || ' ', base + i, base + j + 1)
      i = j
    } else if (ch === '\\') {
      const at = i
      const next = source[++i]
      if (Object.hasOwn(ESCAPES, next)) m.put(ESCAPES[next], base + at, base + i + 1)
      else if (next === '\n' || (next === '\r' && source[i + 1] === '\n')) {
        // An escaped break joins the lines: nothing in the value, the next line's indentation skipped.
        if (next === '\r') i++
        while (blank(source[i + 1])) i++
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8
        const hex = source.substr(i + 1, length)
        const code = hex.length === length && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN
        let chars: string
        try {
          chars = String.fromCodePoint(code)
        } catch {
          chars = source.substr(at, length + 2)
        }
        m.put(chars, base + at, base + i + length + 1)
        i += length
      } else m.put(source.substr(at, 2), base + at, base + at + 2)
    } else if (blank(ch)) {
      // Trailing white space before a break is not part of the value.
      const from = i
      while (blank(source[i + 1])) i++
      const after = source[i + 1]
      if (after !== '\n' && !(after === '\r' && source[i + 2] === '\n')) m.copy(source, from, i + 1, base)
    } else m.put(ch, base + i)
  }
  return m
}

/** `|` and `>` scalars: the header line, then lines with their common indentation removed. */
function blockScalar(token: CST.BlockScalar): Mapped {
  const header = token.props[0]
  const headerSource = header && 'source' in header && typeof header.source === 'string' ? header.source : ''
  let headerLength = 0
  for (const p of token.props) if ('source' in p && typeof p.source === 'string') headerLength += p.source.length
  const mode = headerSource[0]
  let chomp = ''
  let explicit = 0
  for (const ch of headerSource.slice(1)) {
    if (!chomp && (ch === '-' || ch === '+')) chomp = ch
    else if (!explicit && Number(ch)) explicit = Number(ch)
  }
  const base = token.offset + headerLength
  const m = new Mapped(base)
  const source = token.source
  // [indent (spaces), content, offset of the line in `source`], split as the package does.
  const lines: Array<[string, string, number]> = []
  if (source) {
    let start = 0
    for (const raw of source.split('\n')) {
      const indent = /^ */.exec(raw)![0]
      lines.push([indent, raw.slice(indent.length), start])
      start += raw.length + 1
    }
  }
  let chompStart = lines.length
  for (let i = lines.length - 1; i >= 0 && (lines[i][1] === '' || lines[i][1] === '\r'); --i) chompStart = i
  if (chompStart === 0) {
    if (chomp === '+' && lines.length > 0) m.put('\n'.repeat(Math.max(1, lines.length - 1)), base)
    return m
  }
  let trimIndent = token.indent + explicit
  let contentStart = 0
  for (let i = 0; i < chompStart; ++i) {
    const [indent, content] = lines[i]
    if (content === '' || content === '\r') {
      if (explicit === 0 && indent.length > trimIndent) trimIndent = indent.length
    } else {
      if (explicit === 0) trimIndent = indent.length
      contentStart = i
      break
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) if (lines[i][0].length > trimIndent) chompStart = i + 1
  const indentOf = (i: number) => m.copy(source, lines[i][2] + trimIndent, lines[i][2] + Math.max(trimIndent, lines[i][0].length), base)
  const breakBefore = (i: number) => base + lines[i][2] - 1
  for (let i = 0; i < contentStart; ++i) {
    indentOf(i)
    m.put('\n', base + lines[i][2] + lines[i][0].length)
  }
  let sep = ''
  let prevMoreIndented = false
  for (let i = contentStart; i < chompStart; ++i) {
    const [indent, raw, start] = lines[i]
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const contentAt = start + indent.length
    if (mode !== '>') {
      m.put(sep, breakBefore(i))
      indentOf(i)
      m.copy(source, contentAt, contentAt + content.length, base)
      sep = '\n'
    } else if (indent.length > trimIndent || content[0] === '\t') {
      if (sep === ' ') sep = '\n'
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n'
      m.put(sep, breakBefore(i))
      indentOf(i)
      m.copy(source, contentAt, contentAt + content.length, base)
      sep = '\n'
      prevMoreIndented = true
    } else if (content === '') {
      if (sep === '\n') m.put('\n', breakBefore(i))
      else sep = '\n'
    } else {
      m.put(sep, breakBefore(i))
      m.copy(source, contentAt, contentAt + content.length, base)
      sep = ' '
      prevMoreIndented = false
    }
  }
  const end = m.end
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) {
      m.put('\n', breakBefore(i))
      indentOf(i)
    }
    if (!m.text.endsWith('\n')) m.put('\n', m.end)
  } else if (chomp !== '-') m.put('\n', end)
  // An offset at the value's end means the end of the text, not its trailing line breaks.
  m.end = end
  return m
}
