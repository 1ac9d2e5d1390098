// TRANSITION: the strategy contract moved to src/model (orders.ts, bars.ts, strategy.ts); this file
// goes with the last import rewrite (engine, live, broker, service).
export type {Side, OrderType, TimeInForce, OrderStatus, OrderRequest, Order, Fill} from '../model/orders.js'
export type {BarHistory} from '../model/bars.js'
export type {Logger, StrategyContext, StrategyHooks} from '../model/strategy.js'
