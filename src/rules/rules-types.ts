/**
 * The `rules` block as written in YAML (a strategy spec's `rules:` or the `rules` strategy's
 * params), before checking. Numbers may still be `${param}` placeholders.
 */
export type NumberOrParam = number | string

export interface IndicatorSpec {
  type: string
  source?: string
  [param: string]: NumberOrParam | undefined
}

export interface StopSpec {
  percent?: NumberOrParam
  atr?: NumberOrParam
  atr_period?: NumberOrParam
}

export interface RulesSpec {
  indicators?: Record<string, IndicatorSpec>
  entry: {long?: string; short?: string}
  exit?: {long?: string; short?: string}
  sizing?: {
    type: 'quantity' | 'percent_equity' | 'cash' | 'equal_weight' | 'volatility_target'
    value: NumberOrParam
    positions?: NumberOrParam
    lookback?: NumberOrParam
    periods_per_year?: NumberOrParam
    max_percent?: NumberOrParam
  }
  stop_loss?: StopSpec
  take_profit?: StopSpec
  trailing_stop?: StopSpec
  timezone?: string
}

export const RULES_KEYS = ['indicators', 'entry', 'exit', 'sizing', 'stop_loss', 'take_profit', 'trailing_stop', 'timezone'] as const
