/** withRunProgress: the work starts at once, and what it reports before listr2 is up is shown, in order. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {withRunProgress} from '../../src/cli/run-progress.js'

/** Runs `fn` with CI unset and stderr captured (a pipe here, so listr2's plain renderer). */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{value?: T; error?: unknown; text: string}> {
  const ci = process.env.CI
  const write = process.stderr.write
  let text = ''
  process.env.CI = 'false'
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  }) as typeof process.stderr.write
  try {
    return {value: await fn(), text}
  } catch (error) {
    return {error, text}
  } finally {
    process.stderr.write = write
    if (ci === undefined) delete process.env.CI
    else process.env.CI = ci
  }
}

test('the work starts before the progress display has loaded, and its early reports are shown in order', {skip: process.stderr.isTTY && 'stderr is a terminal'}, async () => {
  let started = false
  const {value, text} = await capturingStderr(async () => {
    const running = withRunProgress('Backtest x.yaml', true, async (p) => {
      started = true
      p.stage('validate') // before listr2 has loaded
      await new Promise((resolve) => setImmediate(resolve))
      p.stage('load')
      for (let done = 0; done <= 10; done++) p.bars(done * 100, 1000)
      return 42
    })
    // Called synchronously: the store's opening (in the work) does not wait for listr2 to load.
    assert.equal(started, true)
    return running
  })
  assert.equal(value, 42)
  const order = ['Backtest x.yaml', 'validate', 'load', 'running 10% · 100 / 1,000 bars', 'running 100% · 1,000 / 1,000 bars']
  const at = order.map((s) => text.indexOf(s))
  assert.ok(at.every((i) => i >= 0), `every line shown:\n${text}`)
  assert.deepEqual([...at].sort((a, b) => a - b), at, `in order:\n${text}`)
  // Plain output: a line per 10%, not per percent.
  assert.equal(text.includes('running 15%'), false)
})

test('a work that fails before the display is up fails the call with its own error, and nothing goes unhandled', {skip: process.stderr.isTTY && 'stderr is a terminal'}, async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  try {
    const {error} = await capturingStderr(() => withRunProgress('Backtest bad.yaml', true, () => Promise.reject(new Error('invalid spec'))))
    assert.match(String((error as Error)?.message), /invalid spec/)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(unhandled, [])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})
