/**
 * What a command loads before it runs: `bots backtest` and `bots data import` import the modules
 * they need only later (the engine, the metrics, the recording and the report; the import; listr2)
 * while DuckDB opens the store or streams the bars, so their loading overlaps its work
 * (core/lazy-module.ts). A static import
 * of one of them from the command's graph would quietly put it back on the start-up path.
 * Read from the build (`npm test` builds first), which is what Node loads.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const dist = fileURLToPath(new URL('../../dist/', import.meta.url))

/** Every file and package a built module loads by static import or re-export, transitively. */
function staticGraph(entry: string): {files: Set<string>; packages: Set<string>} {
  const files = new Set<string>()
  const packages = new Set<string>()
  const walk = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const code = readFileSync(file, 'utf8')
    for (const m of code.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? m[2]
      if (spec.startsWith('.')) walk(path.resolve(path.dirname(file), spec))
      else if (!spec.startsWith('node:')) packages.add(spec)
    }
  }
  walk(path.join(dist, entry))
  return {files, packages}
}

const relative = (files: Set<string>) => [...files].map((f) => path.relative(dist, f))

test('bots backtest loads the engine, metrics, recording and report only once the store is opening', {skip: !existsSync(path.join(dist, 'commands/backtest.js')) && 'not built'}, () => {
  const {files, packages} = staticGraph('commands/backtest.js')
  const loaded = relative(files)
  // The walk itself works: what the head start needs is there.
  assert.ok(loaded.includes('backtest/store-head-start.js'), 'the graph walk found the store head start')
  assert.ok(loaded.includes('backtest/run-spec.js'))
  const lazy = ['engine/run-backtest.js', 'metrics/summary.js', 'backtest/window-coverage.js', 'data/ensure-file-data.js', 'data/import.js', 'backtest/dropped-rows.js',
    'results/finish-run.js', 'results/record-run.js', 'results/backtest-json.js', 'cli/render/backtest.js', 'cli/stderr-task.js']
  const late = loaded.filter((f) => f.startsWith('report/') || lazy.includes(f))
  assert.deepEqual(late, [])
  assert.ok(!packages.has('listr2'), 'listr2 is loaded only when there is progress to show')
})

test('bots data import loads the import itself while the store opens, and listr2 only for progress', {skip: !existsSync(path.join(dist, 'commands/data/import.js')) && 'not built'}, () => {
  const {files, packages} = staticGraph('commands/data/import.js')
  const loaded = relative(files)
  assert.ok(loaded.includes('data/store.js'), 'the graph walk found the store')
  assert.deepEqual(loaded.filter((f) => f === 'data/import.js' || f === 'data/stage.js' || f === 'cli/render/data.js'), [])
  assert.ok(!packages.has('listr2'))
})
