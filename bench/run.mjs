#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in turn and prints their figures.
// Each bench script prints lines of `name: value unit (target)`; this sequences them, echoing
// their output live and keeping it.
//   npm run bench -- --readme     also rewrite README.md's speed table (between
//                                 <!-- bench:start --> and <!-- bench:end -->) from that output
//   node bench/run.mjs data live  only the scripts whose file name contains one of the words
//   node bench/run.mjs registry   the PostgreSQL live registry (registry.bench.mjs: 1,000 bots, 3 `bots live`
//                                 processes, a throwaway cluster; needs PostgreSQL's initdb)
import {readdirSync, readFileSync} from 'node:fs'
import {spawn} from 'node:child_process'
import {cpus, loadavg} from 'node:os'
import {fileURLToPath} from 'node:url'
import {parseFigures, renderTable, replaceBetweenMarkers, writeFileAtomic} from './readme-table.mjs'

const dir = fileURLToPath(new URL('.', import.meta.url))
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url))
const args = process.argv.slice(2)
const readme = args.includes('--readme')
const only = args.filter((a) => !a.startsWith('--'))
if (readme && only.length > 0) {
  console.error('--readme rewrites the whole table: run it with every bench script, without a filter')
  process.exit(2)
}
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const date = new Date()
const loadStart = loadavg()[0]
let output = ''
const failed = []
for (const script of scripts) {
  const header = `\n== ${script}\n`
  process.stdout.write(header)
  output += header
  const {code, signal, out} = await run(script)
  output += out
  if (code !== 0) failed.push(`${script} (${signal ? `killed by ${signal}` : `exit ${code}`})`)
}
const loadEnd = loadavg()[0]
if (failed.length) console.error(`\nfailed: ${failed.join(', ')}`)

if (readme) {
  const rows = parseFigures(output)
  const table = renderTable(rows, {date, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown CPU', node: process.version, loadStart, loadEnd, failed})
  writeFileAtomic(readmePath, replaceBetweenMarkers(readFileSync(readmePath, 'utf8'), table))
  console.log(`\nREADME.md speed table rewritten: ${rows.length} rows; load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end`)
}
process.exit(failed.length ? 1 : 0)

/** Runs one bench script, echoing its stdout and stderr as they come; resolves with its stdout. */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', `${dir}${script}`], {stdio: ['inherit', 'pipe', 'pipe']})
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.stderr.on('data', (d) => process.stderr.write(d))
    child.on('error', (e) => {
      console.error(e)
      resolve({code: 1, signal: null, out})
    })
    child.on('close', (code, signal) => resolve({code, signal, out}))
  })
}
