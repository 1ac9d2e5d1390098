/**
 * trading-signals, loaded on first use rather than at import. Its index pulls in ~150 modules
 * (~80 ms), and every `bots` command that discovers strategies imports the built-in `rules`
 * strategy, while only a run needs the indicators. `create` is synchronous, hence `require`
 * (Node ≥ 20.19 loads ES modules through it); the type import is erased at build time.
 */
import {createRequire} from 'node:module'
import type * as TradingSignals from 'trading-signals'

let lib: typeof TradingSignals | undefined

export function tradingSignals(): typeof TradingSignals {
  lib ??= createRequire(import.meta.url)('trading-signals') as typeof TradingSignals
  return lib
}
