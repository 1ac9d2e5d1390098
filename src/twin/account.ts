/** Spot balances: free and locked per asset, rounded to Binance's 8 decimals after every move. */
import {insufficientBalance} from './binance-errors.js'
import {r8} from './numbers.js'

export interface Balance {
  asset: string
  free: number
  locked: number
}

export class Account {
  private readonly assets = new Map<string, Balance>()

  constructor(assets: string[], cash: {asset: string; amount: number}) {
    for (const a of [...assets, cash.asset]) if (!this.assets.has(a)) this.assets.set(a, {asset: a, free: 0, locked: 0})
    this.get(cash.asset).free = r8(cash.amount)
  }

  get(asset: string): Balance {
    let b = this.assets.get(asset)
    if (!b) this.assets.set(asset, (b = {asset, free: 0, locked: 0}))
    return b
  }

  all(): Balance[] {
    return [...this.assets.values()].map((b) => ({...b}))
  }

  /** Move `amount` from free to locked, or throw Binance's insufficient-balance error. */
  lock(asset: string, amount: number): void {
    const b = this.get(asset)
    if (b.free + 1e-12 < amount) throw insufficientBalance()
    b.free = r8(b.free - amount)
    b.locked = r8(b.locked + amount)
  }

  unlock(asset: string, amount: number): void {
    const b = this.get(asset)
    b.locked = r8(b.locked - amount)
    b.free = r8(b.free + amount)
  }

  /** Spend `amount`, first from `fromLocked` of the order's lock, the rest from free. Returns what came from the lock. */
  spend(asset: string, amount: number, fromLocked: number): number {
    const b = this.get(asset)
    const l = Math.min(fromLocked, amount)
    b.locked = r8(b.locked - l)
    b.free = r8(b.free - (amount - l))
    return l
  }

  credit(asset: string, amount: number): void {
    const b = this.get(asset)
    b.free = r8(b.free + amount)
  }

  available(asset: string): number {
    return this.get(asset).free
  }
}
