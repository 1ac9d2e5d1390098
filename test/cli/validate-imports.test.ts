// `bots validate` is run on every commit by CI and by editors on save, so its start-up is most of
// its cost: it must not load the store, the progress renderer, the report tables, the plugin
// transpiler, or ajv's compiler for a valid spec whose validators the build precompiled.
// The CLI runs with a preload that records every module the process loads (ESM through a loader
// hook, CommonJS from require's cache), and the test looks at the list, not at any timing.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BIN, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

function modulesLoadedBy(args: string[]): {code: number | null; output: string; modules: string[]} {
  const dir = tempDir('bots-validate-imports-')
  const list = path.join(dir, 'modules.txt')
  writeFileSync(list, '')
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import {appendFileSync} from 'node:fs'
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(list)}, url + '\\n')
  return next(url, context)
}
`,
  )
  writeFileSync(
    path.join(dir, 'record.mjs'),
    `import {appendFileSync} from 'node:fs'
import {createRequire, register} from 'node:module'
register('./hooks.mjs', import.meta.url)
const cache = createRequire(import.meta.url).cache
process.on('exit', () => appendFileSync(${JSON.stringify(list)}, Object.keys(cache).join('\\n') + '\\n'))
`,
  )
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'record.mjs'), BIN, ...args], {
    cwd: ROOT,
    env: {...process.env, NO_COLOR: '1', CI: 'true'},
    encoding: 'utf8',
    timeout: 120_000,
  })
  const modules = readFileSync(list, 'utf8').split('\n').filter(Boolean).map((m) => m.replace(/^file:\/\//, ''))
  return {code: r.status, output: r.stdout + r.stderr, modules}
}

const loads = (modules: string[], part: string) => modules.some((m) => m.includes(part))

describe('bots validate loads only what it uses', () => {
  it('a valid spec: no store, progress, tables, plugin transpiler or ajv compiler', () => {
    const {code, output, modules} = modulesLoadedBy(['validate', 'examples/orcl-sma-cross.yaml'])
    assert.equal(code, 0, output)
    // The recording works: the command, the YAML parser and the precompiled bot validator are there.
    // yaml and oclif from the bundles the build makes (core/vendor.ts), not their 72 and 110
    // files in node_modules: oclif once, so every command extends the same Command class.
    for (const part of ['/dist/commands/validate.js', '/dist/vendor/yaml.cjs', '/dist/vendor/@oclif+core.cjs', '/dist/spec/validators/bot.cjs']) assert.ok(loads(modules, part), `${part} should be loaded`)
    for (const part of ['/node_modules/yaml/', '/node_modules/@oclif/core/', '/node_modules/minimatch/', '/@duckdb/', '/dist/vendor/@duckdb', '/listr2/', '/arquero/', '/jiti/', '/ccxt/', '/trading-signals/', '/ajv/dist/core.js', '/ajv-formats/dist/index.js', '/dist/data/store.js', '/dist/data/import.js', '/dist/engine/']) {
      assert.ok(!loads(modules, part), `bots validate loaded ${part}`)
    }
  })

  it('a spec with schema errors still gets ajv for its located messages', () => {
    const {code, output, modules} = modulesLoadedBy(['validate', 'examples/invalid/unknown-key.yaml'])
    assert.equal(code, 1, output)
    assert.match(output, /unknown key `brokr`/)
    assert.ok(loads(modules, '/dist/document/schema-validator.js'))
  })
})
