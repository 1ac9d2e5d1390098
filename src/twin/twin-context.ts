/** What the REST routes and the WebSocket handlers share of one running twin. */
import type {TimerClock} from '../core/clock.js'
import type {Account} from './account.js'
import type {Credentials} from './auth.js'
import type {Hub} from './hub.js'
import type {MarketState} from './market-state.js'
import type {TwinFaults, TwinSettings} from './options.js'
import type {OrderEngine} from './order-engine.js'

export interface TwinContext {
  readonly settings: TwinSettings
  readonly faults: Required<TwinFaults>
  readonly clock: TimerClock
  readonly creds: Credentials
  readonly market: MarketState
  readonly engine: OrderEngine
  readonly account: Account
  readonly hub: Hub
  /** Listen keys handed out by POST /api/v3/userDataStream (a raw user stream at /ws/<key>). */
  readonly listenKeys: Set<string>
  /** Called when a REST request arrives and when it has been answered (wakes `Twin.when` waiters). */
  readonly activity: () => void
}
