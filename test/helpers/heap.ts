/** V8's used heap after a full collection, for tests that check what a finished run still holds. */
import {Session} from 'node:inspector/promises'
import {after} from 'node:test'
import {getHeapStatistics} from 'node:v8'

/** A reader of the heap in use after a full collection (its inspector session closes after the tests). */
export function heapAfterCollection(): () => Promise<number> {
  const session = new Session()
  session.connect()
  after(() => session.disconnect())
  return async () => {
    await session.post('HeapProfiler.collectGarbage')
    return getHeapStatistics().used_heap_size
  }
}
