import type {Order} from '../model/orders.js'
import type {SimulatedBroker, SimulatedBrokerOptions} from './simulated-broker.js'

/**
 * A broker whose orders go to a venue (an exchange): decisions stay synchronous in the strategy's
 * hooks, and the live session does the venue's asynchronous work between them. The live runtime
 * knows brokers only through this contract (the exchange broker in src/exchange implements it).
 */
export interface VenueBroker {
  /** Orders waiting to be sent, or cancels to request. */
  readonly hasWork: boolean
  /** Working orders already at the venue. */
  readonly working: number
  /** Records each decided order, then sends it; requests the cancels. */
  flush(): Promise<void>
  /** Reads the working orders' news (fills, final states) from the venue. */
  poll(): Promise<void>
  /** Applies what was read (the kernel calls it as it shows a bar to the broker). */
  applyPending(): void
  /** At start or resume: brings the account in line with the venue; returns notes to log. */
  reconcile(fresh: boolean): Promise<string[]>
}

/** What a venue broker needs from the live bot that owns it. */
export interface VenueHooks {
  /** Awaited before an order is sent: it is on disk by then. */
  recordIntent(order: Order): Promise<void>
  log(level: 'info' | 'warn' | 'error', message: string): void
}

/** Makes a bot's venue broker on the bot's market view and clock. */
export type VenueBrokerFactory = (base: SimulatedBrokerOptions, hooks: VenueHooks) => SimulatedBroker & VenueBroker

export function isVenueBroker(b: SimulatedBroker): b is SimulatedBroker & VenueBroker {
  return typeof (b as Partial<VenueBroker>).flush === 'function' && typeof (b as Partial<VenueBroker>).reconcile === 'function'
}
