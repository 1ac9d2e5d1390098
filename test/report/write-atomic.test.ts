/** writeFileAtomic / writeText: a file written in parts and slices holds exactly the UTF-8 of the whole text. */
import assert from 'node:assert/strict'
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {writeFileAtomic, writeText} from '../../src/report/write-atomic.js'
import {tempDir} from '../helpers/tmp.js'

// Code units that matter at a cut: ASCII, two- and three-byte characters, both halves of a
// surrogate pair (so pairs are cut between parts and slices) and lone halves.
const unit = fc.constantFrom('a', '<', 'é', '€', '\ud83d', '\ude00', '\ud83d\ude00', '\udfff', '\ud800')
const text = fc.array(unit, {maxLength: 40}).map((us) => us.join(''))

describe('writeText', () => {
  it('writes what Buffer.from encodes of the joined parts, whatever the slice size and wherever parts and slices cut', () => {
    const dir = tempDir()
    fc.assert(
      fc.property(fc.array(text, {maxLength: 6}), fc.integer({min: 1, max: 7}), (parts, slice) => {
        const file = path.join(dir, 'out.txt')
        const fd = openSync(file, 'w')
        try {
          writeText(fd, parts, slice)
        } finally {
          closeSync(fd)
        }
        assert.deepEqual(readFileSync(file), Buffer.from(parts.join(''), 'utf8'))
      }),
      {numRuns: 2000},
    )
  })
})

describe('writeFileAtomic', () => {
  it('replaces the file with the parts, leaving no temp file', () => {
    const dir = tempDir()
    const file = path.join(dir, 'sub', 'report.html')
    writeFileAtomic(file, 'old')
    const big = 'x'.repeat(70_000) + '\ud83d\ude00' + 'é'.repeat(40_000)
    assert.equal(writeFileAtomic(file, ['<html>', big, '</html>']), path.resolve(file))
    assert.equal(readFileSync(file, 'utf8'), `<html>${big}</html>`)
    assert.deepEqual(readdirSync(path.dirname(file)), ['report.html'])
  })

  it('leaves the old file as it was when the write fails', () => {
    const dir = tempDir()
    const file = path.join(dir, 'report.html')
    writeFileSync(file, 'old')
    // A folder where the temp file would go makes the open fail.
    const blocker = path.join(dir, `.report.html.${process.pid}.tmp`)
    mkdirSync(blocker)
    assert.throws(() => writeFileAtomic(file, ['new']))
    assert.equal(readFileSync(file, 'utf8'), 'old')
    assert.ok(existsSync(blocker))
  })
})
