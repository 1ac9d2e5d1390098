/** `bots backtest --walk-forward` in the terminal and as JSON. */
import type {WalkForwardOutcome} from '../../sweep/walk-forward.js'
import {RANK_METRIC} from '../../sweep/rank.js'

const day = (t: number) => new Date(t).toISOString().slice(0, 10)
const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(2)}%`)
const num = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(2))

export function renderWalkForward(o: WalkForwardOutcome): string {
  const key = RANK_METRIC[o.rankBy].key
  const metric = (m: Record<string, unknown>) => {
    const v = m[key] as number | null
    return key === 'totalReturn' || key === 'cagr' || key === 'maxDrawdown' || key === 'volatility' || key === 'winRate' ? pct(v) : num(v)
  }
  const head = ['window', 'train', 'test', 'chosen', `in-sample ${o.rankBy}`, `out-of-sample ${o.rankBy}`, 'OOS return', 'OOS trades']
  const rows = o.windows.map((w, i) => [
    String(i + 1),
    `${day(w.train.first)} → ${day(w.train.last)}`,
    `${day(w.test.first)} → ${day(w.test.last)}`,
    Object.entries(w.best).map(([k, v]) => `${k}=${String(v)}`).join(' '),
    metric(w.inSample as never),
    metric(w.outOfSample as never),
    pct(w.outOfSample.totalReturn),
    String(w.outOfSample.trades),
  ])
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((x, c) => x.padEnd(widths[c])).join('  ').trimEnd()
  const s = o.outOfSample
  return [
    `walk-forward ${o.plan.train.text} train, ${o.plan.test.text} test, step ${o.plan.step.text}: ${o.windows.length} windows, ${o.windows[0]?.runs ?? 0} combinations each, ranked by ${o.rankBy}${o.interrupted ? ' (interrupted)' : ''}`,
    line(head),
    ...rows.map(line),
    '',
    `out of sample, stitched: total return ${pct(s.totalReturn)}, CAGR ${pct(s.cagr)}, Sharpe ${num(s.sharpe)}, max drawdown ${pct(s.maxDrawdown)}, ${s.trades} trades`,
    `in sample (chosen parameters, mean per window): total return ${pct(o.inSampleMean.totalReturn)}, Sharpe ${num(o.inSampleMean.sharpe)}`,
    ...(o.skipped.length ? [`${o.skipped.length} combinations skipped as invalid (first: ${o.skipped[0].message})`] : []),
    `each window runs flat and cold (indicators warm up inside it): ${exitsText(o.windowExits)}; not recorded`,
  ].join('\n')
}

export function walkForwardToJson(o: WalkForwardOutcome): Record<string, unknown> {
  return {
    spec: o.spec.file,
    plan: {train: o.plan.train.text, test: o.plan.test.text, step: o.plan.step.text},
    rankBy: o.rankBy,
    windows: o.windows,
    skipped: o.skipped,
    outOfSample: o.outOfSample,
    windowExits: o.windowExits,
    inSampleMean: o.inSampleMean,
    stitched: {time: Array.from(o.stitched.time), value: Array.from(o.stitched.value)},
    interrupted: o.interrupted ?? false,
  }
}

/** The positions closed between windows, said so the stitched figures can be read right. */
function exitsText(e: WalkForwardOutcome['windowExits']): string {
  if (e.closed === 0) return 'a position held at the end of a window with another after it is closed at that bar\'s close, with the broker\'s slippage and commission (none was)'
  const what = e.closed === 1 ? 'a position held at the end of a window was' : `${e.closed} positions held at the ends of windows were`
  return `${what} closed at that bar's close, with the broker's slippage and commission (${e.cost.toFixed(2)} in all), and counted as trades`
}
