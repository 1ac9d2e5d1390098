/**
 * Issue 14, the report: the monthly heat map mixed `0.0`, `0.00` and `-0.00`. Every cell now has
 * two decimals, and a month that rounds to zero is `0.00` whatever its sign (the exact value stays
 * in the cell's title).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {heatMap, percent} from '../../src/report/sections.js'

describe('report heat map: one number format', () => {
  it('percent(): fixed decimals, no negative zero', () => {
    assert.deepEqual([percent(0.0123, 2), percent(-0.0123, 2), percent(0, 2), percent(-0.00001, 2), percent(0.00004, 2), percent(-0, 2)], ['1.23', '-1.23', '0.00', '0.00', '0.00', '0.00'])
    assert.equal(percent(-0.000012345, 4), '-0.0012')
  })

  it('every cell of a year with big, small, flat and tiny negative months has two decimals; none is -0.00', () => {
    const returns = [0.1234, -0.05, 0, -0.00002, 0.0004, -0.0009, 0.002, 0.03, -0.2, 0.00001, 0, 0.01]
    const html = heatMap(returns.map((r, i) => ({year: 2014, month: i + 1, return: r})), 'monthly returns (%)')
    const cells = [...html.matchAll(/<td style="[^"]*" title="([^"]*)">([^<]*)<\/td>/g)].map((m) => m[2])
    assert.equal(cells.length, 13) // 12 months and the year
    for (const c of cells) assert.match(c, /^-?\d+\.\d{2}$/, c)
    assert.ok(!cells.includes('-0.00'), cells.join(' '))
    assert.deepEqual(cells.slice(0, 6), ['12.34', '-5.00', '0.00', '0.00', '0.04', '-0.09'])
    // The exact value is kept in the title.
    assert.match(html, /title="-0\.0020%">0\.00</)
  })
})
