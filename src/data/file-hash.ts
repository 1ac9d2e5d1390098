/** Content hash of a file, streamed (files can be larger than memory). */
import {createHash} from 'node:crypto'
import {open} from 'node:fs/promises'

/**
 * One buffer, reused for every read: a read stream hands out a fresh 1 MB Buffer per chunk, and
 * those wait for a GC, so hashing a 50 MB file during an import held ~35 MB more at its peak.
 */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.allocUnsafe(1 << 20)
    for (;;) {
      const {bytesRead} = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}
