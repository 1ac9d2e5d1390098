import type {BrokerPort} from '../broker/broker-port.js'
import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {Order, OrderRequest} from '../model/orders.js'

/**
 * The strategy's broker port for a live bot. A restored bot warms up against a scratch broker,
 * then its saved account takes over: the strategy API and the hook invoker keep this one object
 * and follow `current`.
 */
export class BrokerSwitch implements BrokerPort {
  constructor(public current: SimulatedBroker) {}

  get cash(): number {
    return this.current.cash
  }
  portfolioValue(): number {
    return this.current.portfolioValue()
  }
  position(k: number): number {
    return this.current.position(k)
  }
  averagePrice(k: number): number {
    return this.current.averagePrice(k)
  }
  multiplier(k: number): number {
    return this.current.multiplier(k)
  }
  lotSize(k: number): number {
    return this.current.lotSize?.(k) ?? 0
  }
  openOrders(k: number): readonly Order[] {
    return this.current.openOrders(k)
  }
  submit(request: OrderRequest, k: number): Order {
    return this.current.submit(request, k)
  }
  cancel(orderId: number): boolean {
    return this.current.cancel(orderId)
  }
  /** The invoker calls it after every hook (fills of `fill_price: close` orders). */
  afterHook(): void {
    this.current.afterHook()
  }
}
