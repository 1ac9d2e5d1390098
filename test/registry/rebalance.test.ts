/**
 * `rebalance`, the fair-share rule of the PostgreSQL registry, played out: processes take turns
 * (in any order, or one of them always first) and each does what the rule says with what the
 * registry would show it. The split must settle fair, and no bot may be given back more often
 * than the surplus over ⌊E / P⌋ that the processes started with: each hand-back stops a bot and
 * starts it elsewhere (regression: at 334/332/333 with one bot free, the process that polled first
 * gave a bot back and claimed it again, every 0.3 s, until the short one polled first).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {rebalance} from '../../src/service/registry/pg/pg-leases.js'

interface Played {
  held: number[]
  free: number
  handedBack: number
  steps: number
}

/** Rounds of turns (`pick(round, i)`: the process taking the i-th turn) until a whole round changes nothing. */
function play(start: number[], enabled: number, pick: (round: number, i: number) => number): Played {
  const held = [...start]
  let free = enabled - held.reduce((a, b) => a + b, 0)
  let handedBack = 0
  let steps = 0
  for (let round = 0; round < 10_000; round++) {
    let moved = false
    for (let i = 0; i < held.length; i++) {
      const p = pick(round, i)
      const move = rebalance(held[p], {processes: held.length, enabled, free, fewest: Math.min(...held)})
      steps++
      if (move > 0) {
        held[p] -= move
        free += move
        handedBack += move
        moved = true
      } else if (move < 0 && free > 0) {
        const n = Math.min(-move, free)
        held[p] += n
        free -= n
        moved = true
      }
    }
    if (!moved) return {held, free, handedBack, steps}
  }
  throw new Error(`no settled split after 10,000 rounds from ${start.join('/')} of ${enabled}`)
}

function assertSettled(r: Played, start: number[], enabled: number): void {
  const floor = Math.floor(enabled / start.length)
  const ceil = Math.ceil(enabled / start.length)
  assert.equal(r.free, 0, `free bots left over: ${r.held.join('/')}`)
  for (const h of r.held) assert.ok(h >= floor && h <= ceil, `unfair split ${r.held.join('/')} from ${start.join('/')}`)
  const surplus = start.reduce((a, h) => a + Math.max(0, h - floor), 0)
  assert.ok(r.handedBack <= surplus, `${r.handedBack} bots handed back from ${start.join('/')} (${enabled} enabled), at most ${surplus} needed`)
}

describe('rebalance: the fair share of the PostgreSQL registry', () => {
  it('a free bot goes to the process that is short, not back and forth through the one that polls first', () => {
    const start = [334, 332, 333]
    const r = play(start, 1000, (_round, i) => i) // process 0 always moves first
    assertSettled(r, start, 1000)
    assert.equal(r.handedBack, 0)
    assert.deepEqual(r.held, [334, 333, 333])
  })

  it('a newcomer gets its share from the others; a dead process\'s bots are shared by the rest', () => {
    const joined = play([500, 500, 0], 1000, (_round, i) => i)
    assertSettled(joined, [500, 500, 0], 1000)
    assert.equal(joined.held[2], 333)
    const failover = play([333, 334], 1000, (_round, i) => 1 - i)
    assertSettled(failover, [333, 334], 1000)
  })

  it('settles fair, with no bot handed back beyond the starting surplus, in any order of turns', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 6}).chain((p) =>
          fc.record({
            enabled: fc.integer({min: 0, max: 60}),
            shares: fc.array(fc.nat({max: 60}), {minLength: p, maxLength: p}),
            seed: fc.array(fc.nat({max: 5}), {minLength: 1, maxLength: 40}),
          })),
        ({enabled, shares, seed}) => {
          // Scale the holdings into what exists: some bots held, the rest free.
          const total = shares.reduce((a, b) => a + b, 0)
          const start = shares.map((s) => (total === 0 ? 0 : Math.floor((s * enabled) / Math.max(total, enabled))))
          // Every process moves once a round, starting with any one of them, in either direction.
          const n = start.length
          const pick = (round: number, i: number) => {
            const k = seed[round % seed.length]
            return (((k + (k % 2 === 0 ? i : -i)) % n) + n) % n
          }
          assertSettled(play(start, enabled, pick), start, enabled)
        },
      ),
      {numRuns: 500},
    )
  })
})
