import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {hashFile} from '../../src/data/file-hash.js'
import {tempDir} from '../helpers/tmp.js'

describe('hashFile', () => {
  it('is the sha256 of the whole file, across reads of its one buffer', async () => {
    const dir = tempDir('bots-hash-')
    // 2.5 MB: several reads into the reused 1 MB buffer, the last one partial.
    const bytes = Buffer.alloc(2.5 * 2 ** 20)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 20)) & 0xff
    const file = path.join(dir, 'data.csv')
    writeFileSync(file, bytes)
    assert.equal(await hashFile(file), createHash('sha256').update(bytes).digest('hex'))
    writeFileSync(path.join(dir, 'empty.csv'), '')
    assert.equal(await hashFile(path.join(dir, 'empty.csv')), createHash('sha256').digest('hex'))
  })

  it('rejects for a missing file', async () => {
    await assert.rejects(hashFile(path.join(tempDir('bots-hash-'), 'nope.csv')), /ENOENT/)
  })
})
