/**
 * Layering guards: no import cycles between folders of src/ (test/tools/import-cycles.mjs, run as
 * CI would), src/model at the bottom, src/core only above it, oclif only in the command line.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {promisify} from 'node:util'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SCRIPT = path.join(ROOT, 'test/tools/import-cycles.mjs')
const SRC = path.join(ROOT, 'src')

async function run(root?: string): Promise<{code: number; stdout: string}> {
  try {
    const {stdout} = await promisify(execFile)(process.execPath, root ? [SCRIPT, root] : [SCRIPT])
    return {code: 0, stdout}
  } catch (error) {
    const e = error as {code?: number; stdout?: string}
    return {code: e.code ?? -1, stdout: e.stdout ?? ''}
  }
}

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), {recursive: true})
  writeFileSync(path.join(root, file), text)
}

/** Folders each folder of src/ imports (the script's own graph). */
async function folderEdges(): Promise<Map<string, Map<string, [string, string][]>>> {
  const {folderGraph} = (await import(SCRIPT)) as {folderGraph: (root: string) => Map<string, Map<string, [string, string][]>>}
  return folderGraph(SRC)
}

describe('folder-level import cycles', () => {
  it('src/ has none', async () => {
    const r = await run()
    assert.equal(r.code, 0, r.stdout)
    assert.match(r.stdout, /^no folder-level import cycles under /)
  })

  it('the script finds a cycle, whatever form the imports take, and names the files behind it', async () => {
    const root = tempDir('bots-cycles-')
    write(root, 'a/x.ts', "import {y} from '../b/y.js'\nexport const x = y\n")
    write(root, 'b/y.ts', "import type {\n  Z,\n} from '../c/z.js'\nexport const y = 1\nexport type Y = Z\n")
    write(root, 'c/z.ts', "export type Z = number\nexport const later = () => import('../a/x.js')\n")
    write(root, 'd/free.ts', "import {x} from '../a/x.js'\n// import {nothing} from '../e/commented.js'\nexport const free = x\n")
    const r = await run(root)
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stdout, /^1 folder-level import cycle\(s\)/)
    assert.match(r.stdout, /\{a, b, c\}/)
    assert.match(r.stdout, /a -> b\n {4}a\/x\.ts -> b\/y\.ts/)
    assert.match(r.stdout, /b -> c\n {4}b\/y\.ts -> c\/z\.ts/)
    assert.match(r.stdout, /c -> a\n {4}c\/z\.ts -> a\/x\.ts/)
    assert.doesNotMatch(r.stdout.split('\n').slice(1).join('\n'), /\bd\b|\be\b/, 'd only imports the cycle; e is a comment')
  })
})

describe('layers', () => {
  it('src/model imports nothing: no other folder, no package', async () => {
    const edges = await folderEdges()
    assert.deepEqual([...(edges.get('model') ?? new Map()).keys()], [])
    for (const file of readdirSync(path.join(SRC, 'model'))) {
      const text = readFileSync(path.join(SRC, 'model', file), 'utf8')
      assert.doesNotMatch(text, /from '[^.]/, `${file} imports a package`)
    }
  })

  it('src/core imports only src/model', async () => {
    const edges = await folderEdges()
    assert.deepEqual([...(edges.get('core') ?? new Map()).keys()].filter((f) => f !== 'model'), [])
  })

  // src/hooks holds oclif hooks, entry points like commands: they may import oclif and src/cli (the
  // one oclif instance, cli/oclif.ts); no library folder may.
  it('only src/commands, src/hooks and src/cli import oclif, and no library folder imports src/cli', async () => {
    const oclif: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, {withFileTypes: true})) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(file)
        else if (/\.ts$/.test(entry.name) && /from '@oclif\/core'/.test(readFileSync(file, 'utf8'))) oclif.push(path.relative(SRC, file))
      }
    }
    walk(SRC)
    assert.deepEqual(oclif.filter((f) => !/^(commands|hooks|cli)\//.test(f)), [])
    const edges = await folderEdges()
    const intoCli = [...edges].filter(([from, to]) => from !== 'commands' && from !== 'hooks' && to.has('cli')).map(([from]) => from)
    assert.deepEqual(intoCli, [])
  })
})
