/**
 * The live service, the live runtime, the engine and the broker learn the time and wait for it only through an injected
 * Clock (src/core/clock.ts): no system time, no global timers, no unseeded randomness in their
 * sources. That is what lets their tests run on a simulated clock.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {fileURLToPath} from 'node:url'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'new Date() without a time'],
  [/(?<![.\w])setTimeout\b/, 'a global setTimeout'],
  [/(?<![.\w])setInterval\b/, 'a global setInterval'],
  [/\bMath\.random\(/, 'Math.random()'],
  [/AbortSignal\.timeout\(/, 'AbortSignal.timeout() (a wall-clock timer)'],
]

/** Names imported from node:timers; only setImmediate (yielding a turn, not waiting for time) is allowed. */
function timersImports(src: string): string[] {
  const names: string[] = []
  for (const m of src.matchAll(/import\s*(\{[^}]*\}|[\w*][^\n]*?)\s*from\s*'node:timers(?:\/promises)?'|import\(\s*'node:timers/g)) {
    const list = m[1]?.startsWith('{') ? m[1].slice(1, -1).split(',').map((x) => x.trim().split(/\s+as\s+/)[0]).filter(Boolean) : ['*']
    names.push(...list.filter((n) => n !== 'setImmediate'))
  }
  return names
}

function files(dir: string): string[] {
  return readdirSync(path.join(SRC, dir), {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  )
}

/** Source without comments (a `//` after a colon, as in a URL, is kept). */
const code = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')

test('the service, the live runtime, the engine, the broker, the exchange code and the twin read time and wait only through a Clock', () => {
  const checked = [...files('service'), ...files('live'), ...files('engine'), ...files('broker'), ...files('exchange'), ...files('twin')]
  assert.ok(checked.length > 30, `only ${checked.length} files found`)
  const problems: string[] = []
  for (const f of checked) {
    const src = code(readFileSync(path.join(SRC, f), 'utf8'))
    for (const [re, what] of FORBIDDEN) if (re.test(src)) problems.push(`${f}: ${what}`)
    for (const name of timersImports(src)) problems.push(`${f}: ${name} from node:timers`)
  }
  assert.deepEqual(problems, [])
})
