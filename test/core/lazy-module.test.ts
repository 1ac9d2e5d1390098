import {test} from 'node:test'
import assert from 'node:assert/strict'
import {lazyModule} from '../../src/core/lazy-module.js'

test('a lazy module loads once, on the first ask, and every ask gets that load', async () => {
  let loads = 0
  const m = lazyModule(async () => ({n: ++loads}))
  assert.equal(loads, 0)
  const [a, b] = await Promise.all([m(), m()])
  assert.equal(loads, 1)
  assert.equal(a, b)
  m.start()
  assert.equal(await m(), a)
  assert.equal(loads, 1)
})

test('start() begins the load without waiting for it', async () => {
  let started = false
  const m = lazyModule(async () => {
    started = true
    return 1
  })
  m.start()
  assert.equal(started, true)
  assert.equal(await m(), 1)
})

test('a failed early load is no unhandled rejection, and fails where the module is awaited', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)
  try {
    const m = lazyModule(() => Promise.reject(new Error('no such module')))
    m.start()
    // Two turns of the event loop: an unhandled rejection would have been reported by then.
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(unhandled, [])
    await assert.rejects(m(), /no such module/)
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})
