/**
 * Escaping for the HTML report. Everything that comes from a spec (names, params, symbols, the
 * YAML text) or from data goes through one of these; nothing is concatenated into HTML raw.
 */

const HTML: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Text for element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML[c])
}

/**
 * JSON to embed in a `<script type="application/json">` element. `<`, `>` and `&` become \u
 * escapes, so neither `</script>` nor `<!--` can end or alter the element, and U+2028/U+2029 are
 * escaped for older JavaScript parsers. JSON.parse reads the result back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** A trusted script's source for a `<script>` element: refuses text that could end the element early. */
export function scriptSource(source: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error('bug: script source contains </script or <!--')
  return source
}
