/**
 * The report's own browser code (static text, never built from user input; data comes in through
 * the JSON element). `GUARD` runs first and records any error, so a test in headless Chromium can
 * read `data-errors` on <body> and `window.__report` from the dumped DOM.
 */
import {CURVES} from './chart-json.js'
export const GUARD = `
window.__report = {ready: false, errors: [], counts: {}};
function __reportError(message) {
  window.__report.errors.push(String(message));
  document.documentElement.setAttribute('data-errors', String(window.__report.errors.length));
}
window.addEventListener('error', function (e) { __reportError(e.message || e); });
window.addEventListener('unhandledrejection', function (e) { __reportError(e.reason); });
(function () {
  var original = console.error;
  console.error = function () { __reportError(Array.prototype.join.call(arguments, ' ')); return original.apply(console, arguments); };
})();
`

/**
 * Writes the trade list's rows from `data.trades` (trade-rows.ts), as the report rendered them on
 * the server before: the same cells, texts and data-v sort values. Numbers as
 * Intl.NumberFormat('en-US') writes them (what fixedNumber copies on the server), quantities and
 * prices as sections.ts quantityText and priceText, percentages as the server's percent(), spans
 * as formatSpan, times from wall-clock ms read as UTC fields. It runs first in RENDER, so a chart
 * that fails to draw cannot leave the list empty.
 */
export const TRADE_ROWS = `
  (function () {
    var rows = data.trades;
    var table = document.getElementById('trade-list');
    if (!rows || !table) return;
    var formats = {};
    // Between least and most decimals, trailing zeros dropped (one formatter each, kept by a number key).
    function decimals(v, least, most) {
      var key = least * 64 + most;
      var f = formats[key] || (formats[key] = new Intl.NumberFormat('en-US', {minimumFractionDigits: least, maximumFractionDigits: most}));
      return f.format(v);
    }
    function fixed(v, d) { return decimals(v, d, d); }
    // sections.ts quantityText and priceText: a fractional quantity keeps its decimals (up to 8),
    // a price below 1 its first 6 significant digits (up to 12 decimals), never fewer than 2.
    function quantity(v) { return decimals(v, 0, 8); }
    function price(v) {
      var a = Math.abs(v);
      return decimals(v, 2, a > 0 && a < 1 ? Math.min(12, 5 - Math.floor(Math.log10(a))) : 2);
    }
    function percent(v) { var t = (v * 100).toFixed(2); return Number(t) === 0 ? '0.00' : t; }
    function span(ms) {
      if (ms <= 0) return '0';
      if (ms >= 1000) ms = Math.round(ms / 1000) * 1000;
      if (ms >= 7 * 86400000) return fixed(Math.round(ms / 86400000), 0) + 'd';
      var units = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
      for (var k = 0; k < units.length; k++) {
        if (!(ms >= units[k][1])) continue;
        var whole = Math.floor(ms / units[k][1]);
        var next = units[k + 1];
        var part = next ? Math.floor((ms - whole * units[k][1]) / next[1]) : 0;
        return part > 0 ? whole + units[k][0] + ' ' + part + next[0] : whole + units[k][0];
      }
      return Math.round(ms) + ' ms';
    }
    function time(wall) {
      if (!(wall - wall === 0)) return '';
      var iso = new Date(wall).toISOString();
      return data.intraday ? iso.slice(0, 10) + ' ' + iso.slice(11, 16) : iso.slice(0, 10);
    }
    var ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
    function esc(t) { return String(t).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
    // NaN, the infinities and -0 come as text (JSON has none of them): Number() reads them back.
    function num(v) { return typeof v === 'string' ? Number(v) : v; }
    function td(v, text) { return '<td data-v="' + (v - v === 0 ? String(v) : '') + '">' + text + '</td>'; }
    function ratio(v) { return v - v === 0 ? '<td data-v="' + String(v) + '">' + percent(v) + '%</td>' : '<td data-v=""></td>'; }
    var symbols = rows.symbols.map(esc);
    var sides = rows.sides.map(esc);
    var out = new Array(rows.symbol.length);
    for (var i = 0; i < out.length; i++) {
      var n = rows.first + i;
      var q = num(rows.quantity[i]), et = num(rows.entryTime[i]), ep = num(rows.entryPrice[i]), xt = num(rows.exitTime[i]), xp = num(rows.exitPrice[i]);
      var c = num(rows.commission[i]), pnl = num(rows.netPnl[i]), held = xt - et;
      out[i] = '<tr class="' + (pnl > 0 ? 'win' : pnl < 0 ? 'loss' : '') + '"><td data-v="' + n + '">' + n + '</td>' +
        '<td>' + symbols[rows.symbol[i]] + '</td><td>' + sides[rows.side[i]] + '</td>' + td(q, quantity(q)) +
        td(et, time(num(rows.entryWall[i]))) + td(ep, price(ep)) + td(xt, time(num(rows.exitWall[i]))) + td(xp, price(xp)) +
        td(held, span(held)) + ratio(num(rows.mae[i])) + ratio(num(rows.mfe[i])) +
        td(c, fixed(c, 2)) + td(pnl, fixed(pnl, 2)) + ratio(num(rows.return[i])) + '</tr>';
    }
    table.tBodies[0].innerHTML = out.join('');
  })();
`

export const RENDER = `
(function () {
  var LC = window.LightweightCharts;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  ${TRADE_ROWS}
  // The charts come as columns (chart-json.ts): back to the chart library's points.
  function points(p) {
    var t = p.t || data.charts.times; // a curve with a point at every chart point shares their times
    var out = new Array(t.length);
    for (var i = 0; i < out.length; i++) out[i] = {time: t[i], value: p.v[i]};
    return out;
  }
  function candles(p) {
    var t = p.t || data.charts.times;
    var out = new Array(t.length);
    for (var i = 0; i < out.length; i++) out[i] = {time: t[i], open: p.o[i], high: p.h[i], low: p.l[i], close: p.c[i]};
    return out;
  }
  ${JSON.stringify(CURVES)}.forEach(function (k) { data.charts[k] = points(data.charts[k]); });
  data.charts.prices.forEach(function (p) {
    p.candles = candles(p.candles);
    p.overlays.forEach(function (o) { o.points = points(o.points); });
  });
  var base = {
    autoSize: true,
    layout: {background: {color: '#ffffff'}, textColor: '#1f2933', attributionLogo: false},
    grid: {vertLines: {color: '#f0f2f5'}, horzLines: {color: '#f0f2f5'}},
    // minBarSpacing: the library's default (0.5 px a bar) cannot fit 5,000 daily bars in a page's
    // width, so the charts opened on their last seven years; the whole period shows at first.
    timeScale: {timeVisible: data.intraday, secondsVisible: false, borderColor: '#e4e7ec', minBarSpacing: 0.01},
    rightPriceScale: {borderColor: '#e4e7ec'},
  };
  function mark(el, n) { el.setAttribute('data-count', String(n)); }
  var all = [];
  function chartIn(el, extra) {
    var chart = LC.createChart(el, Object.assign({}, base, extra || {}));
    all.push({chart: chart, el: el});
    return chart;
  }
  var counts = {prices: [], markers: [], equity: 0, benchmark: 0, drawdown: 0, benchmarkDrawdown: 0};
  data.charts.prices.forEach(function (p, i) {
    var el = document.getElementById('price-' + i);
    var chart = chartIn(el);
    var s = chart.addSeries(LC.CandlestickSeries, {upColor: '#26a69a', downColor: '#ef5350', wickUpColor: '#26a69a', wickDownColor: '#ef5350', borderVisible: false});
    s.setData(p.candles);
    LC.createSeriesMarkers(s, p.markers);
    var palette = ['#1e88e5', '#fb8c00', '#8e24aa', '#43a047', '#e53935', '#00acc1', '#6d4c41', '#546e7a'];
    (p.overlays || []).forEach(function (o, k) {
      chart.addSeries(LC.LineSeries, {color: palette[k % palette.length], lineWidth: 1, title: o.name, priceLineVisible: false, lastValueVisible: false}).setData(o.points);
    });
    el.setAttribute('data-overlays', (p.overlays || []).map(function (o) { return o.name + ':' + o.points.length; }).join(','));
    mark(el, p.candles.length);
    el.setAttribute('data-markers', String(p.markers.length));
    counts.prices.push(p.candles.length);
    counts.markers.push(p.markers.length);
  });
  var eqEl = document.getElementById('equity');
  // Log scale: a run over decades is readable as percentage moves (a linear axis flattened the strategy under buy & hold).
  var eq = chartIn(eqEl, {rightPriceScale: {borderColor: '#e4e7ec', mode: data.logScale ? LC.PriceScaleMode.Logarithmic : LC.PriceScaleMode.Normal}});
  eq.addSeries(LC.LineSeries, {color: '#1e88e5', lineWidth: 2, title: 'strategy'}).setData(data.charts.equity);
  eq.addSeries(LC.LineSeries, {color: '#9e9e9e', lineWidth: 1, title: 'buy & hold'}).setData(data.charts.benchmark);
  mark(eqEl, data.charts.equity.length);
  eqEl.setAttribute('data-scale', eq.priceScale('right').options().mode === LC.PriceScaleMode.Logarithmic ? 'log' : 'linear');
  var pctFormat = {type: 'custom', formatter: function (v) { return v.toFixed(2) + '%'; }};
  var rbEl = document.getElementById('rebased');
  var rb = chartIn(rbEl);
  rb.addSeries(LC.LineSeries, {color: '#1e88e5', lineWidth: 2, title: 'strategy', priceFormat: pctFormat}).setData(data.charts.rebased);
  rb.addSeries(LC.LineSeries, {color: '#9e9e9e', lineWidth: 1, title: 'buy & hold', priceFormat: pctFormat}).setData(data.charts.rebasedBenchmark);
  mark(rbEl, data.charts.rebased.length);
  var rlEl = document.getElementById('rolling');
  var rl = chartIn(rlEl, {leftPriceScale: {visible: true, borderColor: '#e4e7ec'}});
  rl.addSeries(LC.LineSeries, {color: '#6a1b9a', lineWidth: 1, title: 'Sharpe'}).setData(data.charts.rollingSharpe);
  rl.addSeries(LC.LineSeries, {color: '#ef6c00', lineWidth: 1, title: 'volatility', priceScaleId: 'left', priceFormat: pctFormat}).setData(data.charts.rollingVolatility);
  mark(rlEl, data.charts.rollingSharpe.length);
  rlEl.setAttribute('data-volatility', String(data.charts.rollingVolatility.length));
  var exEl = document.getElementById('exposure');
  var ex = chartIn(exEl);
  ex.addSeries(LC.AreaSeries, {lineColor: '#00897b', topColor: 'rgba(0,137,123,0.35)', bottomColor: 'rgba(0,137,123,0.05)', lineWidth: 1, priceFormat: pctFormat}).setData(data.charts.exposure);
  mark(exEl, data.charts.exposure.length);
  var ddEl = document.getElementById('drawdown');
  var dd = chartIn(ddEl);
  dd.addSeries(LC.AreaSeries, {lineColor: '#c62828', topColor: 'rgba(198,40,40,0.05)', bottomColor: 'rgba(198,40,40,0.35)', invertFilledArea: true, lineWidth: 1,
    priceFormat: {type: 'custom', formatter: function (v) { return v.toFixed(2) + '%'; }}}).setData(data.charts.drawdown);
  var ddSeries = 1;
  if (data.charts.benchmarkDrawdown.length) {
    dd.addSeries(LC.LineSeries, {color: '#9e9e9e', lineWidth: 1, title: 'buy & hold', priceFormat: {type: 'custom', formatter: function (v) { return v.toFixed(2) + '%'; }}}).setData(data.charts.benchmarkDrawdown);
    ddSeries = 2;
  }
  mark(ddEl, data.charts.drawdown.length);
  ddEl.setAttribute('data-series', String(ddSeries));
  // The range selector: the last 1, 3 or 5 years, or all, on every chart at once (a link can ask
  // with #range=5y). The whole period at first, and again once autoSize has given the charts their
  // width; then each chart records what it shows (data-visible-from/-to: logical bar indexes).
  var points = data.charts.equity;
  var buttons = Array.prototype.slice.call(document.querySelectorAll('.range button'));
  function record() {
    all.forEach(function (c) {
      var r = c.chart.timeScale().getVisibleLogicalRange();
      if (r) {
        c.el.setAttribute('data-visible-from', String(Math.round(r.from)));
        c.el.setAttribute('data-visible-to', String(Math.round(r.to)));
      }
      // Where the chart is on the page (CSS px), so a test can look at that part of a screenshot.
      var b = c.el.getBoundingClientRect();
      c.el.setAttribute('data-box', [b.left + window.scrollX, b.top + window.scrollY, b.width, b.height].map(Math.round).join(','));
    });
  }
  // Each request takes a ticket; only the latest one marks data-shown, so the mark means the range
  // last asked for is drawn (the first 'all' must not pass for a #range=1y asked a frame later).
  var latest = 0;
  function showRange(key) {
    var ticket = ++latest;
    var years = key === 'all' ? 0 : parseFloat(key);
    if (!(years > 0) || points.length < 2) {
      key = 'all';
      all.forEach(function (c) { c.chart.timeScale().fitContent(); });
    } else {
      var to = points[points.length - 1].time;
      var from = Math.max(points[0].time, to - Math.round(years * 365.25 * 86400));
      all.forEach(function (c) { c.chart.timeScale().setVisibleRange({from: from, to: to}); });
    }
    buttons.forEach(function (b) { b.className = b.getAttribute('data-range') === key ? 'on' : ''; });
    document.documentElement.setAttribute('data-range', key);
    // The charts apply a new range when they next draw: read it back after that.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        if (ticket !== latest) return;
        record();
        document.documentElement.setAttribute('data-shown', key);
      });
    });
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { showRange(b.getAttribute('data-range')); }); });
  var asked = /(?:^#|&)range=([^&]*)/.exec(location.hash);
  showRange('all');
  requestAnimationFrame(function () {
    showRange(asked ? decodeURIComponent(asked[1]) : 'all');
    document.documentElement.setAttribute('data-fitted', 'yes');
  });
  // Sortable tables: a click on a header sorts by that column (again: the other way). Cells carry
  // their sort value in data-v (numbers; empty = none, always last); others sort by their text.
  // A link can ask for an order: #sort=MAE (ascending) or #sort=-MAE (descending).
  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(r) { var c = r.cells[col]; var v = c.getAttribute('data-v'); return v === null ? c.textContent : (v === '' ? NaN : Number(v)); }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), cmp;
      if (typeof x === 'number' && typeof y === 'number') {
        if (x !== x) return y !== y ? 0 : 1;
        if (y !== y) return -1;
        cmp = x - y;
      } else cmp = String(x).localeCompare(String(y));
      return dir === 'asc' ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.setAttribute('data-sort-col', String(col));
    table.setAttribute('data-sort-dir', dir);
  }
  var wanted = /(?:^#|&)sort=(-?)([^&]*)/.exec(location.hash);
  Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.addEventListener('click', function () {
        var again = table.getAttribute('data-sort-col') === String(col) && table.getAttribute('data-sort-dir') === 'asc';
        sortTable(table, col, again ? 'desc' : 'asc');
      });
      if (wanted && th.textContent === decodeURIComponent(wanted[2])) sortTable(table, col, wanted[1] ? 'desc' : 'asc');
    });
  });
  counts.equity = data.charts.equity.length;
  counts.benchmark = data.charts.benchmark.length;
  counts.drawdown = data.charts.drawdown.length;
  counts.benchmarkDrawdown = data.charts.benchmarkDrawdown.length;
  window.__report.counts = counts;
  window.__report.ready = true;
  document.documentElement.setAttribute('data-report', 'ready');
})();
`
