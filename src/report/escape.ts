/**
 * Escaping for the HTML report. Everything that comes from a spec (names, params, symbols, the
 * YAML text) or from data goes through one of these; nothing is concatenated into HTML raw.
 */

const HTML: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Text for element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML[c])
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g
const SCRIPT_ESCAPES: Record<string, string> = {'<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029'}
const UNSAFE_CHARACTERS = Object.keys(SCRIPT_ESCAPES)

/**
 * JSON to embed in a `<script type="application/json">` element. `<`, `>` and `&` become \u
 * escapes, so neither `</script>` nor `<!--` can end or alter the element, and U+2028/U+2029 are
 * escaped for older JavaScript parsers. JSON.parse reads the result back unchanged.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value)
  // Most reports hold none of these: looking for each one is ~40× cheaper than the replace's scan
  // (3 MB of a 1M-bar run's JSON: 0.3 against 10 ms), which runs only when one is there. (The
  // first look also flattens the string JSON.stringify built in pieces, ~10 ms for 3 MB, which
  // writing the page would cost anyway.)
  if (!UNSAFE_CHARACTERS.some((c) => json.includes(c))) return json
  // One pass over the text (a long run's chart data is megabytes), not one per character.
  return json.replace(SCRIPT_UNSAFE, (c) => SCRIPT_ESCAPES[c])
}

/** A trusted script's source for a `<script>` element: refuses text that could end the element early. */
export function scriptSource(source: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error('bug: script source contains </script or <!--')
  return source
}
