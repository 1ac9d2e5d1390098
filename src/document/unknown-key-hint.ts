/**
 * The hint of an unknown key (`schema.unknown_key`), beyond a did-you-mean among its siblings:
 * - the rest of an expression that a comma cut in two: in a flow mapping, `{long: crosses_above(fast, slow)}`
 *   is `long: crosses_above(fast` and a key `slow)` (the commonest first mistake in a rules spec);
 * - a key that belongs one level down: `slippage: 5` at the top is `broker.slippage_bps`.
 */
import {didYouMean, didYouMeanHint} from '../core/suggest.js'

type Schema = {properties?: Record<string, Schema>; items?: Schema}

export function unknownKeyHint(key: string, siblings: unknown, parentSchema: unknown): string | undefined {
  return cutExpression(key, siblings) ?? nearby(key, parentSchema as Schema | undefined)
}

/**
 * A sibling whose text opens a parenthesis that keys after it (with no value) close: they were one
 * expression, cut at each comma (`max(fast, slow, mid)` → `max(fast`, `slow`, `mid)`).
 */
function cutExpression(key: string, siblings: unknown): string | undefined {
  if (siblings === null || typeof siblings !== 'object') return undefined
  const entries = Object.entries(siblings)
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]
    if (typeof v !== 'string' || depth(v) <= 0) continue
    const pieces: string[] = []
    let open = depth(v)
    for (let j = i + 1; j < entries.length && open > 0 && entries[j][1] === null; j++) {
      pieces.push(entries[j][0])
      open += depth(entries[j][0])
    }
    if (pieces.includes(key)) return `a comma inside \`{…}\` ends a value, so the expression was cut at its commas: quote it, \`${k}: '${[v, ...pieces].join(', ')}'\``
  }
  return /[()]/.test(key) ? `if this is part of an expression, quote the whole expression: a comma inside \`{…}\` ends a value` : undefined
}

/** Parentheses opened and not closed. */
function depth(text: string): number {
  let d = 0
  for (const ch of text) d += ch === '(' ? 1 : ch === ')' ? -1 : 0
  return d
}

/** A did-you-mean among the siblings, else among the keys one or two levels down, named by their path. */
function nearby(key: string, schema: Schema | undefined): string | undefined {
  const siblings = Object.keys(schema?.properties ?? {})
  const sibling = didYouMean(key, siblings) ?? startOf(key, siblings)
  if (sibling !== undefined) return `did you mean \`${sibling}\`?`
  const below = new Map<string, string[]>()
  const walk = (s: Schema | undefined, prefix: string, levels: number) => {
    for (const [name, child] of Object.entries(s?.properties ?? {})) {
      const at = prefix ? `${prefix}.${name}` : name
      if (prefix) below.set(name, [...(below.get(name) ?? []), at])
      if (levels > 0) walk(child, at, levels - 1)
    }
  }
  walk(schema, '', 2)
  const guess = didYouMean(key, below.keys()) ?? startOf(key, [...below.keys()])
  const paths = guess === undefined ? [] : below.get(guess)!
  if (paths.length === 1) return `did you mean \`${paths[0]}\`? (\`${guess}\` goes under \`${paths[0].slice(0, -guess!.length - 1)}\`)`
  // The name is at several places (`start`: backtest.start, live.feed.start): all of them.
  if (paths.length > 1) return `did you mean ${paths.map((p) => `\`${p}\``).join(' or ')}?`
  return didYouMeanHint(key, siblings)
}

/** The one name that begins with `key` (`slippage` → `slippage_bps`), for keys of 4 characters or more. */
function startOf(key: string, names: string[]): string | undefined {
  if (key.length < 4) return undefined
  const lower = key.toLowerCase()
  const found = names.filter((n) => n.toLowerCase().startsWith(lower))
  return found.length === 1 ? found[0] : undefined
}
