/**
 * DuckDB result chunks hold ~100 KB of native memory each, freed only when V8 finalizes their
 * small JS wrappers. V8 cannot see that native memory, so during a million-row load it lets ~500
 * chunks (~50 MB) pile up before collecting. A minor GC every 16 chunks frees them as we go:
 * measured, the load's peak RSS falls by ~50 MB at no cost in time, and every 16 rather than 32
 * chunks lets malloc reuse the freed memory sooner (~2,000 fewer page faults for a million bars).
 *
 * `gc` is reached without a command-line flag through the documented V8 flag API; if that is
 * ever unavailable, this does nothing and loading works as before.
 */
import v8 from 'node:v8'
import vm from 'node:vm'

type Gc = (options?: {type?: 'minor' | 'major'; execution?: 'sync' | 'async'}) => void

let gc: Gc | null | undefined

function collector(): Gc | null {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc')
      gc = vm.runInNewContext('gc') as Gc
    } catch {
      gc = null
    }
  }
  return gc
}

export const CHUNKS_PER_RELEASE = 16

/** Collect young garbage (the finished chunks) and let their finalizers run. */
export async function releaseChunks(): Promise<void> {
  const collect = collector()
  if (!collect) return
  collect({type: 'minor'})
  await new Promise((resolve) => setImmediate(resolve))
}
