/**
 * SimOrder.toJSON builds its object by assignment (cheaper for the tens of thousands of orders a
 * `--json` document holds); it must give the same keys, in the same order, with the same values
 * as the spread form it replaced, for any combination of the optional fields.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {SimOrder} from '../../src/broker/sim-order.js'

/** The form toJSON had before: conditional spreads. */
function spreadForm(o: SimOrder): Record<string, unknown> {
  const {id, symbol, side, quantity, type, limitPrice, stopPrice, timeInForce, tag, createdAt, status} = o
  return {id, symbol, side, quantity, type, limitPrice, stopPrice, timeInForce, tag, createdAt, status,
    filledAt: o.filledAt, fillPrice: o.fillPrice, commission: o.commission, reason: o.reason,
    ...(o.clientOrderId === undefined ? {} : {clientOrderId: o.clientOrderId, filledQuantity: o.filledQuantity ?? 0}),
    ...(o.clientOrderId === undefined && o.filledQuantity !== undefined ? {filledQuantity: o.filledQuantity} : {}),
    ...(o.oco === undefined ? {} : {ocoWith: o.oco.id}),
    ...(o.parentId === undefined ? {} : {parentId: o.parentId}),
    ...(o.trailAmount === undefined ? {} : {trailAmount: o.trailAmount}),
    ...(o.trailPercent === undefined ? {} : {trailPercent: o.trailPercent})}
}

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, {nil: undefined})
const price = fc.double({min: 0.01, max: 1e6, noNaN: true})
const order = fc.record({
  limitPrice: maybe(price),
  stopPrice: maybe(price),
  tag: maybe(fc.string({maxLength: 4})),
  status: fc.constantFrom('open', 'filled', 'canceled', 'rejected', 'partially_filled'),
  filledAt: maybe(fc.integer({min: 0})),
  fillPrice: maybe(price),
  commission: maybe(fc.double({min: 0, max: 10, noNaN: true})),
  reason: maybe(fc.string({maxLength: 6})),
  filledQuantity: maybe(fc.double({min: 0, max: 10, noNaN: true})),
  clientOrderId: maybe(fc.string({maxLength: 6})),
  oco: fc.boolean(),
  parent: fc.boolean(),
  filledParentId: maybe(fc.nat()),
  trailAmount: maybe(price),
  trailPercent: maybe(fc.double({min: 0.1, max: 99, noNaN: true})),
})

type Fields = typeof order extends fc.Arbitrary<infer T> ? T : never

function simOrder(f: Fields): SimOrder {
  const o = new SimOrder(7, 'X', 0, 'buy', 2, 'limit', f.limitPrice, f.stopPrice, 'gtc', f.tag, 1000, 3, Infinity)
  o.status = f.status as SimOrder['status']
  Object.assign(o, {filledAt: f.filledAt, fillPrice: f.fillPrice, commission: f.commission, reason: f.reason, filledQuantity: f.filledQuantity, clientOrderId: f.clientOrderId})
  if (f.oco) o.oco = new SimOrder(8, 'X', 0, 'sell', 2, 'stop', undefined, 1, 'gtc', undefined, 1000, 3, Infinity)
  if (f.parent) o.parent = new SimOrder(5, 'X', 0, 'buy', 2, 'market', undefined, undefined, 'gtc', undefined, 900, 2, Infinity)
  o.filledParentId = f.filledParentId
  o.trailAmount = f.trailAmount
  o.trailPercent = f.trailPercent
  return o
}

describe('SimOrder.toJSON', () => {
  it('the same keys, order and values as the spread form, whichever optional fields are set', () => {
    fc.assert(
      fc.property(order, (f) => {
        const o = simOrder(f)
        const json = o.toJSON()
        assert.deepEqual(Object.keys(json), Object.keys(spreadForm(o)))
        assert.deepEqual(json, spreadForm(o))
        assert.equal(JSON.stringify(o), JSON.stringify(spreadForm(o)))
      }),
      {numRuns: 2000},
    )
  })
})
