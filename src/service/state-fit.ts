/**
 * Whether a saved BotState can be resumed under a (possibly new) spec. Params may change (the
 * runtime rebuilds the strategy by replaying history with the new ones); the account may not
 * change shape: another strategy, other symbols or another timeframe start afresh instead.
 */
import type {BotState} from '../live/runtime-types.js'
import type {PreparedBot} from './prepare-bot.js'

export type Fit = {ok: true} | {ok: false; why: string}

export function resumable(state: BotState, bot: PreparedBot): Fit {
  if (state?.version !== 1) return {ok: false, why: `state version ${String(state?.version)} is not understood`}
  if (state.strategy !== bot.definition.name) return {ok: false, why: `it was made by strategy ${state.strategy}, the spec now runs ${bot.definition.name}`}
  const symbols = bot.spec.symbols
  if (state.symbols.length !== symbols.length || state.symbols.some((s, i) => s !== symbols[i])) {
    return {ok: false, why: `its symbols ${state.symbols.join(',')} differ from the spec's ${symbols.join(',')}`}
  }
  if (state.timeframeMs !== bot.spec.timeframeMs) return {ok: false, why: `its timeframe differs from the spec's ${bot.spec.timeframe}`}
  return {ok: true}
}
