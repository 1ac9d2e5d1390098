/**
 * Waiting for stdout and stderr to empty before the process exits. On a pipe Node writes
 * asynchronously: what the pipe cannot take at once (64 KiB on Linux) waits in the stream, and
 * `process.exit` (which oclif calls for every non-zero exit) drops it, so `bots validate DIR
 * --format json | wc -c` was cut at 65,536 bytes whenever specs were invalid.
 */
import type {Writable} from 'node:stream'

/** Resolves once every stream has written what it holds (or can no longer write: closed, failed). */
export async function drainOutput(streams: Writable[] = [process.stdout, process.stderr]): Promise<void> {
  await Promise.all(streams.map(drainStream))
}

function drainStream(stream: Writable): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed || stream.writableFinished) return Promise.resolve()
  // 'drain' alone is not enough: a stream emits it only after a write that returned false. When
  // what is queued stays under the high-water mark, no 'drain' ever comes and the process would
  // end with this promise pending (exit code 13, output complete). An empty write's callback runs
  // once everything written before it has been written.
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('error', done)
      stream.off('close', done)
      resolve()
    }
    stream.once('error', done)
    stream.once('close', done)
    stream.write('', () => done())
  })
}
