/** The report's stylesheet: plain CSS, no web fonts (the file must open offline). */
export const STYLES = `
:root { color-scheme: light; --fg: #1f2933; --muted: #667085; --line: #e4e7ec; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f8fafc; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.sub, .note, caption { color: var(--muted); }
caption { text-align: left; padding: 4px 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-top: 16px; }
.chart { height: 340px; width: 100%; }
.chart.small { height: 200px; }
table.metrics { max-width: 640px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th[scope="row"], table.metrics th { text-align: left; font-weight: 500; }
table.heat td { text-align: center; font-size: 12px; }
table.heat td.empty { background: #fafafa; }
.trades-wrap { max-height: 420px; overflow: auto; }
tr.win td:nth-last-child(-n+2) { color: #2e7d32; }
tr.loss td:nth-last-child(-n+2) { color: #c62828; }
pre { background: #f3f4f6; padding: 12px; overflow: auto; border-radius: 6px; }
.legend span { display: inline-block; margin-right: 16px; }
.legend i { display: inline-block; width: 12px; height: 3px; vertical-align: middle; margin-right: 4px; }
h3 { font-size: 14px; margin: 20px 0 6px; }
nav.range { position: sticky; top: 0; z-index: 5; background: #f8fafc; padding: 8px 0; color: var(--muted); }
nav.range button { font: inherit; margin-left: 6px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
nav.range button.on { background: #1e88e5; border-color: #1e88e5; color: #fff; }
table[data-sortable] th { cursor: pointer; }
table[data-sortable] th:hover { text-decoration: underline; }
table.yearly { max-width: 900px; }
table.yearly td.bar, table.yearly th.bar { width: 30%; text-align: center; }
table.yearly td.bar { position: relative; height: 18px; background: linear-gradient(#c4c9d0, #c4c9d0) center / 1px 100% no-repeat; }
table.yearly td.bar span { position: absolute; top: 4px; height: 10px; background: #1e88e5; }
table.yearly td.bar span.benchmark { background: #9e9e9e; }
table.yearly td.bar span.strategy.neg { background: #c62828; }
table.distribution { max-width: 720px; }
.histogram { display: flex; align-items: flex-end; height: 160px; gap: 1px; border-bottom: 1px solid var(--line); max-width: 900px; }
.histogram span { flex: 1; background: #2e7d32; min-height: 1px; }
.histogram span.neg { background: #c62828; }
.histogram span.zero { background: #616161; }
.histogram-axis { display: flex; justify-content: space-between; max-width: 900px; color: var(--muted); font-size: 12px; }
`
