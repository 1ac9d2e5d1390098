/**
 * Issue 16, item 9: every command waits for a store another process holds, the same bounded way
 * as the live service (before, `bots data list` and `bots backtest` failed at once with
 * `store.locked` whenever a service happened to be writing).
 *
 * The command says on stderr that it waits (and for how long at most); the test releases the
 * holder only once it has said so, so the command really did wait, and then it succeeds.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BIN, ROOT, runCli} from '../helpers/cli.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'
import {SAFETY_MS, storeWithOrcl} from '../service/helpers.js'

/** Runs `bots ARGS`; once stderr matches `waiting`, calls `onWait`; resolves with the outcome. */
function runWaiting(args: string[], waiting: RegExp, onWait: () => Promise<void>): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: {...process.env, NO_COLOR: '1', CI: 'true'}})
    let stdout = ''
    let stderr = ''
    let told = false
    const safety = setTimeout(() => child.kill('SIGKILL'), SAFETY_MS)
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (!told && waiting.test(stderr)) {
        told = true
        onWait().catch(reject)
      }
    })
    child.on('close', (code) => {
      clearTimeout(safety)
      resolve({code, stdout, stderr})
    })
  })
}

describe('issue 16, item 9: commands wait for a held store', () => {
  const dir = tempDir('bots-item9-')
  const db = path.join(dir, 'store.duckdb')

  for (const args of [['data', 'list', '--db', db, '--json'], ['backtest', path.join('examples', 'orcl-sma-cross.yaml'), '--db', db, '--json', '--no-report', '--no-record']]) {
    it(`bots ${args.slice(0, 2).join(' ')} waits while another process holds the store, then runs`, async () => {
      await storeWithOrcl(db)
      const holder = await holdStore(db)
      let released = false
      const r = await runWaiting(args, new RegExp(`another bots process \\(PID ${holder.pid}\\) holds the store [^\\n]*; waiting up to 10 s for it`), async () => {
        await holder.release()
        released = true
      })
      await holder.release()
      assert.ok(released, `it never said it waits:\n${r.stderr}`)
      assert.equal(r.code, 0, r.stderr)
      assert.ok(JSON.parse(r.stdout))
    })
  }

  it('a store held past the wait: exit 1, a clear error, no stack trace', async () => {
    const holder = await holdStore(db)
    try {
      const r = await runCli(['data', 'list', '--db', db], {env: {BOTS_LOCK_WAIT_MS: '200'}})
      assert.equal(r.code, 1)
      assert.match(r.stderr, /holds the store/)
      assert.doesNotMatch(r.stderr, /\n\s+at /)
    } finally {
      await holder.release()
    }
  })
})
