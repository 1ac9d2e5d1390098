/**
 * Issue 16, item 2, backtest side: users' plugin strategies run in a worker thread, so Ctrl-C
 * always stops the run, even inside a hook that never returns, and `--iteration-timeout` ends it
 * with an error naming the hook and the bar. The worker runs the same engine: a user's copy of
 * `sma-cross` gives exactly the result of the shipped one, which runs in process.
 *
 * Real CLI processes; the waits are for lines they print, the timeouts safety nets.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {BIN, ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SPIN = `
import {defineStrategy} from 'bots'
export default defineStrategy({
  name: 'spin',
  description: 'Never returns from its 100th iteration.',
  params: {type: 'object', properties: {}, additionalProperties: false},
  create: () => ({
    onTradingIteration(ctx) {
      if (ctx.barCount() !== 100) return
      process.stderr.write('spinning now\\n')
      for (;;) {}
    },
  }),
})
`

const spec = (name: string, strategy: string, params = '{}') =>
  [`name: ${name}`, `strategy: {name: ${strategy}, params: ${params}}`, 'symbols: [ORCL]', 'timeframe: 1D', 'market: NYSE', 'data: {source: file, path: orcl.csv}', ''].join('\n')

describe('issue 16, item 2: a backtest of a strategy that never returns', () => {
  const dir = tempDir('bots-hostile-2bt-')
  const run = (args: string[]) => runCli([...args, '--no-record', '--no-report'], {cwd: dir})

  before(() => {
    mkdirSync(path.join(dir, 'strategies'))
    writeFileSync(path.join(dir, 'strategies', 'spin.ts'), SPIN)
    // A user's own copy of the shipped sma-cross, under another name: it runs in a worker.
    const source = readFileSync(path.join(ROOT, 'strategies', 'sma-cross.ts'), 'utf8').replace("name: 'sma-cross'", "name: 'my-cross'")
    assert.match(source, /name: 'my-cross'/)
    writeFileSync(path.join(dir, 'strategies', 'my-cross.ts'), source)
    copyFileSync(path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv'), path.join(dir, 'orcl.csv'))
    writeFileSync(path.join(dir, 'spin.yaml'), spec('spin', 'spin'))
    writeFileSync(path.join(dir, 'mine.yaml'), spec('mine', 'my-cross', '{fast: 10, slow: 30, quantity: 10}'))
    writeFileSync(path.join(dir, 'shipped.yaml'), spec('shipped', 'sma-cross', '{fast: 10, slow: 30, quantity: 10}'))
  })

  it('--iteration-timeout ends it: exit 1, the hook and the bar named, no stack trace', async () => {
    // The budget bounds every call, the 99 quick ones before the spin too: 3 s, so a call held up
    // on a busy machine is not the one named (the bar below is the 100th).
    const r = await run(['backtest', 'spin.yaml', '--iteration-timeout', '3'])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stderr, /strategy "spin": onTradingIteration did not return within 3 s at the bar opened 1995-05-24/)
    assert.match(r.stderr, /raise --iteration-timeout/)
    assert.doesNotMatch(r.stderr, /^\s+at /m)
  })

  it('Ctrl-C while the hook spins: exit 130, "interrupted at 100 of 5,036 bars"', async () => {
    const child = spawn(process.execPath, [BIN, 'backtest', 'spin.yaml', '--no-record', '--no-report'], {cwd: dir, env: {...process.env, NO_COLOR: '1', CI: 'true'}, stdio: ['ignore', 'pipe', 'pipe']})
    let err = ''
    const spinning = new Promise<void>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d
        if (err.includes('spinning now')) resolve()
      })
    })
    child.stdout.resume()
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    const net = setTimeout(() => child.kill('SIGKILL'), 120_000) // safety net for a hang
    await spinning
    child.kill('SIGINT')
    const code = await exited
    clearTimeout(net)
    assert.equal(code, 130, err)
    assert.match(err, /interrupted at 100 of 5,036 bars/)
  })

  it('a user plugin in its worker gives the result of the same code run in process', async () => {
    const mine = parseJson(await run(['backtest', 'mine.yaml', '--json']))
    const shipped = parseJson(await run(['backtest', 'shipped.yaml', '--json']))
    assert.ok(mine.fills.length > 10)
    assert.deepEqual(mine.fills, shipped.fills)
    assert.deepEqual(mine.summary, shipped.summary)
  })

  it('the shipped strategy run with --iteration-timeout (so in a worker too) is unchanged', async () => {
    const inWorker = parseJson(await run(['backtest', 'shipped.yaml', '--json', '--iteration-timeout', '30']))
    const inProcess = parseJson(await run(['backtest', 'shipped.yaml', '--json']))
    assert.deepEqual(inWorker.fills, inProcess.fills)
    assert.deepEqual(inWorker.summary, inProcess.summary)
  })
})
