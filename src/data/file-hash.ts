/** Content hash of a file, streamed (files can be larger than memory). */
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'

export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file, {highWaterMark: 1 << 20})
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
