import {Flags} from '../cli/oclif.js'
import {BaseCommand, usageError} from '../cli/base-command.js'
import {dbFlag, timeframeFlag} from '../cli/flags.js'
import {WallClock} from '../core/clock.js'
import {startTwin} from '../twin/index.js'
import {parseSymbol} from '../twin/symbols.js'

const WALK_HISTORY = 500

const count = (description: string) => Flags.integer({description, min: 1, helpValue: 'N'})

export default class Twin extends BaseCommand {
  static override description = `Run a local Binance-spot-compatible exchange that replays bars, to rehearse bots on.

Serves on 127.0.0.1 the part of Binance's spot REST API, market streams and WebSocket API that ccxt's \`binance\` and \`ccxt.pro.binance\` use to trade spot. Bars come from the store (--db; bars before --start are history) or a seeded random walk (with 500 bars of history); --speed bars are released per second. Orders fill as in a backtest: market orders at the next bar's open, limit orders when a bar trades through. Point a client at it by replacing the origin of every URL in exchange.urls.api with the printed api_url (REST) and ws_url (WebSocket). The accepted key and secret come from BOTS_TWIN_KEY and BOTS_TWIN_SECRET (default twin-key / twin-secret). Runs until SIGINT or SIGTERM.`

  static override examples = [
    '<%= config.bin %> twin --symbol BTC/USDT --timeframe 1m',
    '<%= config.bin %> twin --symbol IDX/USDT --timeframe 5m --db bots.duckdb --start 2006-01-03 --speed 5 --json',
    '<%= config.bin %> twin --symbol BTC/USDT --timeframe 1m --http-429-every 10 --drop-ws-every 50 --latency 50 --partial-fills 3',
  ]

  static override flags = {
    symbol: Flags.string({char: 's', description: 'Spot symbol as ccxt names it (repeatable).', multiple: true, required: true, helpValue: 'BASE/QUOTE'}),
    timeframe: timeframeFlag('Bar timeframe, one of Binance\'s kline intervals (1m, 5m, 1h, 1d…).'),
    db: dbFlag,
    start: Flags.string({description: 'Replay from this date (UTC unless an offset is given); stored bars before it are history.', helpValue: 'DATE'}),
    speed: Flags.string({description: 'Bars released per second; 0 = none (the market stands still).', default: '1', helpValue: 'BARS'}),
    port: Flags.integer({description: 'Port on 127.0.0.1; 0 = any free port.', default: 0, min: 0, max: 65535}),
    cash: Flags.string({description: 'Starting balance, in the first symbol\'s quote asset.', default: '10000', helpValue: 'AMOUNT'}),
    commission: Flags.string({description: 'Commission in percent of the traded value, charged in the quote asset.', default: '0.1', helpValue: 'PERCENT'}),
    'drop-ws-every': count('Fault: close each WebSocket after N messages.'),
    'http-429-every': count('Fault: every Nth REST request answers HTTP 429.'),
    latency: Flags.integer({description: 'Fault: milliseconds added before every REST answer.', min: 0, helpValue: 'MS'}),
    'partial-fills': count('Fault: split every fill into K executions.'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Twin)
    const symbols: string[] = flags.symbol.map((s: string) => parseSymbol(s).symbol)
    const twin = await startTwin({
      db: flags.db,
      symbols,
      timeframe: flags.timeframe ?? '1m',
      start: flags.start,
      speed: nonNegative(flags.speed, '--speed'),
      port: flags.port,
      clock: new WallClock(),
      // A walk starts with history, so a strategy can warm up on klines at once.
      warmupBars: flags.db ? undefined : WALK_HISTORY,
      apiKey: process.env.BOTS_TWIN_KEY || 'twin-key',
      apiSecret: process.env.BOTS_TWIN_SECRET || 'twin-secret',
      cash: {asset: parseSymbol(symbols[0]).quote, amount: nonNegative(flags.cash, '--cash')},
      commissionPercent: nonNegative(flags.commission, '--commission'),
      faults: {
        dropWsEvery: flags['drop-ws-every'],
        http429Every: flags['http-429-every'],
        latencyMs: flags.latency,
        partialFills: flags['partial-fills'],
      },
    })
    const info = {api_url: twin.apiUrl, ws_url: twin.wsUrl, port: twin.port, symbols, timeframe: flags.timeframe ?? '1m'}
    if (this.jsonEnabled()) process.stdout.write(JSON.stringify(info) + '\n')
    else {
      this.log(`bots twin: Binance spot replay of ${symbols.join(', ')} at ${info.timeframe} (${flags.db ? 'stored bars' : 'random walk'}), ${flags.speed} bar(s)/s`)
      this.log(`  api_url: ${twin.apiUrl}`)
      this.log(`  ws_url:  ${twin.wsUrl}`)
      this.log('  credentials: $BOTS_TWIN_KEY / $BOTS_TWIN_SECRET (default twin-key / twin-secret)')
      this.log('  ccxt: give every exchange.urls.api URL this origin (REST: api_url, WebSocket: ws_url), set options.fetchCurrencies = false, await exchange.loadHttpProxyAgent()')
      this.log('Ctrl-C stops it.')
    }
    const signal = await new Promise<string>((resolve) => {
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => resolve(s))
    })
    await twin.close()
    process.stderr.write(`bots twin: ${signal}, stopped after ${twin.released} bars, ${twin.orders().length} orders, ${twin.trades().length} trades\n`)
  }
}

function nonNegative(text: string, flag: string): number {
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) usageError(`${flag} must be a number ≥ 0, got "${text}"`)
  return v
}
