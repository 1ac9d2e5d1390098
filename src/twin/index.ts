/**
 * `bots twin`: a local Binance-spot-compatible exchange that replays bars (a DuckDB store or a
 * seeded random walk) for an unmodified ccxt client to rehearse against. See README.md.
 */
export {startTwin} from './twin.js'
export type {Twin} from './twin.js'
export type {TwinOptions, TwinFaults, PerSymbol} from './options.js'
export type {TwinOrder, TwinTrade, OrderStatus} from './order-engine.js'
export type {Balance} from './account.js'
export type {TwinCounters} from './counters.js'
export {twinUrls} from './twin-urls.js'
