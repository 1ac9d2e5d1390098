#!/usr/bin/env python3
"""Reference driver: long-only SMA(10)/SMA(30) crossover run through Backtrader.

This file is our own code (MIT, like the rest of the repo). It imports
Backtrader (GPL-3.0), which is NOT vendored here: point --bt-path (or the
BACKTRADER_PATH environment variable) at a directory that contains the
``backtrader`` package (an installed backtrader 1.9.78.123, or the
reconstruction described in test/golden/backtrader/README.md).

What it runs
  * data: bt.feeds.GenericCSVData on the file's UNADJUSTED Open/High/Low/Close
    (never YahooFinanceCSVData, which rescales by Adj Close)
  * strategy: fast = SMA(close, 10), slow = SMA(close, 30),
    cross = bt.ind.CrossOver(fast, slow); in next():
      flat and cross > 0  -> self.buy(size=SIZE)   (market order)
      long and cross < 0  -> self.close()          (market order)
  * broker: the default BackBroker (market orders fill at the NEXT bar's open,
    no cheat-on-close, no slippage, checksubmit on) with cash CASH and either
    no commission or cerebro.broker.setcommission(commission=COMM)
    (stock-like, percentage of traded value, 0.001 = 0.1 %)
  * cerebro defaults otherwise (preload=True, runonce=True, stdstats=True)

What it records (JSON, floats written with repr, i.e. full precision)
  * orders: every execution seen in notify_order (Completed/Partial), plus any
    order that ended Margin/Rejected/Canceled/Expired and any order still
    pending when the data ran out
  * trades: every closed trade seen in notify_trade
  * signals: every bar on which CrossOver was non-zero, with the action taken
  * final: broker cash and value (value = cash + open position at last close)
  * bars: number of bars delivered by the feed

Usage
  python3 sma_cross.py --bt-path /tmp/bt-ref --preset orcl \
      --data /work/shared/data/orcl-1995-2014.txt --commission 0 --out out.json
  presets: orcl (Date,Open,High,Low,Close,Adj Close,Volume),
           day  (Date,Open,High,Low,Close,Volume,OpenInterest),
           min5 (Date,Time,Open,High,Low,Close,Volume,OpenInterest; 5-minute)
  --check-modes also re-runs with (preload, runonce) in all four combinations
  and with exactbars=-1/-2 and fails if any figure differs.
"""

import argparse
import json
import math
import os
import sys

FAST = 10
SLOW = 30
SIZE = 10
CASH = 100000.0

# GenericCSVData column maps (index of each field in the CSV row, -1 = absent)
PRESETS = {
    'orcl': dict(dtformat='%Y-%m-%d', datetime=0, time=-1, open=1, high=2,
                 low=3, close=4, volume=6, openinterest=-1),
    'day': dict(dtformat='%Y-%m-%d', datetime=0, time=-1, open=1, high=2,
                low=3, close=4, volume=5, openinterest=6),
    'min5': dict(dtformat='%Y-%m-%d', tmformat='%H:%M:%S', datetime=0, time=1,
                 open=2, high=3, low=4, close=5, volume=6, openinterest=7),
}


def iso(bt, num):
    """Backtrader's own float-date -> naive datetime conversion, ISO text."""
    return bt.num2date(num).isoformat()


def fnum(x):
    """Floats as-is (json writes repr); NaN/inf become None (not JSON)."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return x


def strip_refs(x):
    """Order/trade refs come from process-wide counters: ignore them when
    comparing runs."""
    if isinstance(x, list):
        return [strip_refs(v) for v in x]
    if isinstance(x, dict):
        return {k: strip_refs(v) for k, v in x.items()
                if k not in ('ref', 'order_ref')}
    return x


def build_strategy(bt):
    class SmaCross(bt.Strategy):
        params = (('fast', FAST), ('slow', SLOW), ('size', SIZE))

        def __init__(self):
            self.fast = bt.ind.SMA(self.data.close, period=self.p.fast)
            self.slow = bt.ind.SMA(self.data.close, period=self.p.slow)
            self.cross = bt.ind.CrossOver(self.fast, self.slow)
            self.rec_orders = []
            self.rec_trades = []
            self.rec_signals = []
            self.rec_unfilled = []
            self.first_next = None
            self._last_exec = {}   # order ref -> last execution record
            self._open_fill = None  # execution that opened the current trade

        def next(self):
            if self.first_next is None:
                self.first_next = dict(bar=len(self),
                                       datetime=iso(bt, self.data.datetime[0]))
            c = self.cross[0]
            if not c:
                return
            rec = dict(bar=len(self), datetime=iso(bt, self.data.datetime[0]),
                       cross=fnum(c), close=fnum(self.data.close[0]),
                       fast=fnum(self.fast[0]), slow=fnum(self.slow[0]),
                       position=self.position.size, action='none')
            if not self.position and c > 0:
                o = self.buy(size=self.p.size)
                rec['action'] = 'buy'
                rec['order_ref'] = o.ref if o is not None else None
            elif self.position.size > 0 and c < 0:
                o = self.close()
                rec['action'] = 'close'
                rec['order_ref'] = o.ref if o is not None else None
            self.rec_signals.append(rec)

        def notify_order(self, order):
            st = order.status
            if st in (order.Completed, order.Partial):
                # executed.* accumulates over partial fills; with the default
                # broker (no filler) a market order fills in one shot
                ex = order.executed
                bit = list(ex.iterpending())  # the new execution bit(s)
                for b in bit:
                    rec = dict(
                        ref=order.ref,
                        side='buy' if order.isbuy() else 'sell',
                        status=order.getstatusname(),
                        size=b.size, price=fnum(b.price),
                        value=fnum(b.value), commission=fnum(b.comm),
                        pnl=fnum(b.pnl),
                        datetime=iso(bt, b.dt),
                        bar=len(self.data),
                        created_datetime=iso(bt, order.created.dt),
                        created_close=fnum(order.created.price),
                        position_after=b.psize,
                    )
                    self.rec_orders.append(rec)
                    if b.opened:
                        self._open_fill = rec
                    if b.closed:
                        self._last_exec['close'] = rec
            elif st in (order.Margin, order.Rejected, order.Canceled,
                        order.Expired):
                self.rec_orders.append(dict(
                    ref=order.ref,
                    side='buy' if order.isbuy() else 'sell',
                    status=order.getstatusname(),
                    size=order.created.size, price=None, value=None,
                    commission=None, pnl=None,
                    datetime=iso(bt, self.data.datetime[0]),
                    bar=len(self.data),
                    created_datetime=iso(bt, order.created.dt),
                    created_close=fnum(order.created.price),
                ))

        def notify_trade(self, trade):
            if not trade.isclosed:
                return
            exitfill = self._last_exec.get('close')
            entryfill = self._open_fill
            self.rec_trades.append(dict(
                ref=trade.ref,
                entry_datetime=iso(bt, trade.dtopen),
                exit_datetime=iso(bt, trade.dtclose),
                entry_bar=trade.baropen,
                exit_bar=trade.barclose,
                barlen=trade.barlen,
                size=entryfill['size'] if entryfill else None,
                entry_price=fnum(trade.price),
                exit_price=exitfill['price'] if exitfill else None,
                pnl=fnum(trade.pnl),
                pnlcomm=fnum(trade.pnlcomm),
                commission=fnum(trade.commission),
            ))

        def stop(self):
            # orders still alive when the data ran out (never filled)
            seen = set()
            for o in list(self.broker.submitted) + list(self.broker.pending):
                if o.ref in seen or not o.alive():
                    continue
                seen.add(o.ref)
                self.rec_unfilled.append(dict(
                    ref=o.ref, side='buy' if o.isbuy() else 'sell',
                    status=o.getstatusname(), size=o.created.size,
                    created_datetime=iso(bt, o.created.dt),
                    created_close=fnum(o.created.price)))

    return SmaCross


def run_once(bt, args, **cerebro_kwargs):
    cerebro = bt.Cerebro(**cerebro_kwargs)
    preset = dict(PRESETS[args.preset])
    if args.preset == 'min5':
        preset.update(timeframe=bt.TimeFrame.Minutes, compression=5)
    data = bt.feeds.GenericCSVData(dataname=args.data, **preset)
    cerebro.adddata(data)
    cerebro.addstrategy(build_strategy(bt))
    cerebro.broker.setcash(CASH)
    if args.commission:
        cerebro.broker.setcommission(commission=args.commission)
    strat = cerebro.run()[0]
    pos = cerebro.broker.getposition(data)
    return dict(
        orders=strat.rec_orders,
        unfilled_orders=strat.rec_unfilled,
        trades=strat.rec_trades,
        signals=strat.rec_signals,
        final=dict(
            cash=fnum(cerebro.broker.getcash()),
            value=fnum(cerebro.broker.getvalue()),
            position_size=pos.size,
            position_price=fnum(pos.price),
            last_close=fnum(data.close[0]),
            last_datetime=iso(bt, data.datetime[0]),
        ),
        bars=len(data),
        first_next=strat.first_next,
        minperiods=dict(fast=strat.fast._minperiod, slow=strat.slow._minperiod,
                        cross=strat.cross._minperiod,
                        strategy=strat._minperiod),
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bt-path', default=os.environ.get('BACKTRADER_PATH'))
    ap.add_argument('--preset', required=True, choices=sorted(PRESETS))
    ap.add_argument('--data', required=True)
    ap.add_argument('--commission', type=float, default=0.0)
    ap.add_argument('--source', default=None,
                    help='text for the "source" field')
    ap.add_argument('--out', default='-')
    ap.add_argument('--check-modes', action='store_true')
    args = ap.parse_args(argv)

    if args.bt_path:
        sys.path.insert(0, args.bt_path)
    import backtrader as bt

    res = run_once(bt, args)
    if args.check_modes:
        variants = [dict(preload=p, runonce=r) for p in (True, False)
                    for r in (True, False)]
        variants += [dict(exactbars=-1), dict(exactbars=-2)]
        for kw in variants:
            other = run_once(bt, args, **kw)
            for key in ('orders', 'trades', 'signals', 'final', 'bars',
                        'unfilled_orders'):
                if strip_refs(other[key]) != strip_refs(res[key]):
                    raise SystemExit('mode %r differs in %s' % (kw, key))

    comm = args.commission
    doc = dict(
        source=args.source or ('backtrader %s' % bt.__version__),
        data=os.path.basename(args.data),
        conventions=dict(
            feed='bt.feeds.GenericCSVData, unadjusted OHLC columns (%s)' % (
                ', '.join('%s=%s' % kv for kv in sorted(PRESETS[args.preset].items()))),
            timeframe=('Minutes, compression 5' if args.preset == 'min5'
                       else 'Days (GenericCSVData default)'),
            timestamps=('datetime strings are bt.num2date(x).isoformat() of '
                        "Backtrader's float datetimes: naive, the file's own "
                        'wall clock. Daily bars are stamped at the session '
                        'end 23:59:59.999990 and come back as '
                        'T23:59:59.999989 through the float round trip.'),
            broker=('default BackBroker, cash %r, market orders created in '
                    'next() at bar t fill at the open of bar t+1, no '
                    'cheat-on-close, no slippage, checksubmit=True' % CASH),
            commission=('none' if not comm else
                        'setcommission(commission=%r): stock-like, percent of '
                        'value, comm = abs(size) * %r * price per fill '
                        '(evaluated left to right)' % (comm, comm)),
            signal=('cross = CrossOver(SMA(close,%d), SMA(close,%d)); buy %d '
                    'when flat and cross > 0; close() when long and cross < 0'
                    % (FAST, SLOW, SIZE)),
            final_value='broker.getvalue(): cash + open position marked at the last close',
            warmup=('SMA(10) from bar 10, SMA(30) from bar 30, CrossOver from '
                    'bar 31 (it needs the previous bar\'s difference): the '
                    'first next() and so the first possible signal is bar 31 '
                    '(1-based); see first_next / minperiods'),
            cerebro='preload=True, runonce=True, stdstats=True (defaults)',
        ),
        params=dict(fast=FAST, slow=SLOW, size=SIZE, cash=CASH,
                    commission=comm),
    )
    doc.update(res)
    text = json.dumps(doc, indent=1, allow_nan=False) + '\n'
    if args.out == '-':
        sys.stdout.write(text)
    else:
        with open(args.out, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
