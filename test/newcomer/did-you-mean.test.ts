/**
 * Issue 14, item 10: did-you-mean for a mistyped command. `bots data shwo ORCL` got no guess: two
 * swapped letters counted as two edits, over the limit for a four-letter word. A swap of
 * neighbouring letters is now one edit (everywhere didYouMean is used: commands, strategy names,
 * spec keys).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {didYouMean, editDistance} from '../../src/core/suggest.js'
import {runCli} from '../helpers/cli.js'

describe('did-you-mean counts a swap of neighbouring letters as one edit', () => {
  it('editDistance: swaps, inserts, deletes, substitutions', () => {
    assert.equal(editDistance('shwo', 'show'), 1)
    assert.equal(editDistance('backtset', 'backtest'), 1)
    assert.equal(editDistance('lsit', 'list'), 1)
    assert.equal(editDistance('lst', 'list'), 1)
    assert.equal(editDistance('show', 'show'), 0)
    assert.equal(editDistance('', 'abc'), 3)
    assert.equal(editDistance('kitten', 'sitting'), 3)
    assert.equal(editDistance('ab', 'ba'), 1)
    assert.equal(editDistance('abc', 'ca'), 3) // optimal string alignment: no edit of a swapped pair
  })

  it('didYouMean: short words with two letters swapped are guessed; far ones still are not', () => {
    assert.equal(didYouMean('shwo', ['import', 'list', 'show', 'resample', 'remove']), 'show')
    assert.equal(didYouMean('lsit', ['import', 'list', 'show']), 'list')
    assert.equal(didYouMean('xyzzy', ['import', 'list', 'show']), undefined)
    assert.equal(didYouMean('wosh', ['show']), undefined)
  })

  it('bots data shwo ORCL: a usage error with the guess (real CLI)', async () => {
    const r = await runCli(['data', 'shwo', 'ORCL'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'error: "data shwo" is not a bots command. Did you mean "data show"?\n  hint: `bots data --help` lists the commands\n')
  })

  it('bots vaildate: the top-level command is guessed too', async () => {
    const r = await runCli(['vaildate', 'x.yaml'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^error: "vaildate" is not a bots command\. Did you mean "validate"\?\n/)
  })
})
