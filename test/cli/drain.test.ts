/** drainOutput: waits for queued output to be written, whether or not the stream ever asks for a 'drain'. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Writable} from 'node:stream'
import {drainOutput} from '../../src/cli/drain.js'

/** A stream that writes each chunk only when `release()` is called, as a full pipe does. */
function slowStream(highWaterMark: number) {
  const pending: Array<() => void> = []
  const written: string[] = []
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      pending.push(() => {
        written.push(chunk.toString())
        callback()
      })
    },
  })
  const release = () => {
    while (pending.length > 0) pending.shift()!()
  }
  return {stream, written, release}
}

describe('drainOutput', () => {
  for (const [name, highWaterMark, text] of [
    ['queued output under the high-water mark (no write returned false, so no drain event comes)', 1024, 'short'],
    ['queued output over the high-water mark (a drain event comes)', 4, 'longer than four bytes'],
  ] as const) {
    it(`resolves once ${name} is written, not before`, async () => {
      const {stream, written, release} = slowStream(highWaterMark)
      stream.write(text)
      let drained = false
      const waiting = drainOutput([stream]).then(() => (drained = true))
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(drained, false)
      // Each release lets the stream write what it holds; an empty write may queue behind it.
      for (let i = 0; i < 3 && !drained; i++) {
        release()
        await new Promise((resolve) => setImmediate(resolve))
      }
      await waiting
      assert.equal(drained, true)
      assert.equal(written.join(''), text)
    })
  }

  it('resolves at once for an empty stream, and when the stream closes or fails instead of writing', async () => {
    await drainOutput([new Writable({write: (_c, _e, cb) => cb()})])
    const closing = slowStream(1024)
    closing.stream.write('x')
    const closed = drainOutput([closing.stream])
    closing.stream.destroy()
    await closed
    const failing = slowStream(1024)
    failing.stream.on('error', () => {})
    failing.stream.write('x')
    const failed = drainOutput([failing.stream])
    failing.stream.destroy(new Error('EPIPE'))
    await failed
  })
})
