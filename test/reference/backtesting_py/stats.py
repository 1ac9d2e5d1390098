#!/usr/bin/env python3
"""Feed one bots backtest (exported by export.ts) to backtesting.py's compute_stats and write a
golden JSON file: our inputs plus the figures backtesting.py reports for them.

    python3 stats.py --backtesting DIR --input case.json --out golden.json [--risk-free 0.02]

DIR holds a `backtesting` package with backtesting.py's `_stats.py` and `_util.py` (the library
is not vendored here; see test/golden/backtesting_py/README.md for where it comes from).

How our run becomes backtesting.py's input (the conventions are ours to align, not its):
- index: the equity curve's times (bar opens) as naive UTC timestamps; equity: our values after
  each bar. Our first point equals the initial cash (nothing fills on the first bar), which is
  what backtesting.py takes as the base of its returns.
- Close: the traded symbol's closes on the same index (its buy-and-hold return).
- trades: one row per closed round trip. Size is +/- quantity. EntryBar is the bar whose open
  filled the entry; ExitBar is the bar BEFORE the one whose open filled the exit (the last bar
  held over its close), so its exposure counts the bars we count. PnL and ReturnPct follow its
  Trade.pl and Trade.pl_pct: size * (exit - entry) - commissions, and
  sign * (exit / entry - 1) - commissions / (|size| * entry). EntryTime/ExitTime are the fill times.
"""
import argparse
import json
import math
import sys

import numpy as np
import pandas as pd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--backtesting', required=True)
    ap.add_argument('--input', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--risk-free', type=float, default=0.0)
    a = ap.parse_args()
    sys.path.insert(0, a.backtesting)
    from backtesting._stats import compute_stats  # noqa: E402

    case = json.load(open(a.input))
    t = np.array(case['equity']['time'], dtype='float64')
    index = pd.DatetimeIndex(pd.to_datetime(t.astype('int64'), unit='ms'))
    equity = np.array(case['equity']['value'], dtype='float64')
    if equity[0] != case['initialCash']:
        raise SystemExit('the first equity point must equal the initial cash (a fill on the first bar?)')
    if case['openPositions']:
        raise SystemExit('choose a window that ends flat: backtesting.py only sees closed trades')
    assert case['bars']['time'] == case['equity']['time'], 'one symbol, its own time index'
    ohlc = pd.DataFrame({'Close': np.array(case['bars']['close'], dtype='float64')}, index=index)

    times = case['equity']['time']
    bar_of = {tm: i for i, tm in enumerate(times)}
    rows = []
    for tr in case['trades']:
        sign = 1 if tr['side'] == 'long' else -1
        size = sign * tr['quantity']
        entry, exit_, comm = tr['entryPrice'], tr['exitPrice'], tr['commission']
        rows.append({
            'Size': size,
            'EntryBar': bar_of[tr['entryTime']],
            'ExitBar': bar_of[tr['exitTime']] - 1,
            'EntryPrice': entry,
            'ExitPrice': exit_,
            'PnL': size * (exit_ - entry) - comm,
            'ReturnPct': sign * (exit_ / entry - 1) - comm / (abs(size) * entry),
            'EntryTime': pd.Timestamp(int(tr['entryTime']), unit='ms'),
            'ExitTime': pd.Timestamp(int(tr['exitTime']), unit='ms'),
        })
    trades = pd.DataFrame(rows, columns=['Size', 'EntryBar', 'ExitBar', 'EntryPrice', 'ExitPrice', 'PnL', 'ReturnPct', 'EntryTime', 'ExitTime'])
    trades['Duration'] = trades['ExitTime'] - trades['EntryTime']

    s = compute_stats(trades, equity, ohlc, None, risk_free_rate=a.risk_free)
    out = {}
    for k, v in s.items():
        if k.startswith('_'):
            continue
        out[k] = plain(v)
    golden = {
        'reference': {
            'library': 'backtesting.py (kernc/backtesting.py) backtesting/_stats.py compute_stats',
            'pandas': pd.__version__,
            'numpy': np.__version__,
            'riskFreeRate': a.risk_free,
        },
        'input': case,
        'backtesting_py': out,
    }
    # Compact: the inputs are long arrays; the figures are the short block at the end.
    with open(a.out, 'w') as f:
        json.dump(golden, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')


def plain(v):
    """Timestamps as epoch ms, durations as ms, NaN as None."""
    if isinstance(v, pd.Timestamp):
        return v.value / 1e6
    if isinstance(v, pd.Timedelta):
        return v / pd.Timedelta(milliseconds=1)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else f
    if v is pd.NaT:
        return None
    return v


if __name__ == '__main__':
    main()
