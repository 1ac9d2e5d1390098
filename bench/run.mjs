#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in turn and prints their figures.
// Each bench script prints lines of `name: value unit (target)`; this only sequences them.
import {readdirSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
let failed = 0
for (const script of scripts) {
  console.log(`\n== ${script}`)
  const r = spawnSync(process.execPath, ['--expose-gc', `${dir}${script}`], {stdio: 'inherit'})
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
