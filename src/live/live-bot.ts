import {EXCHANGE_LIMITS} from '../broker/venue-limits.js'
import {SimulatedBroker} from '../broker/simulated-broker.js'
import {createCalendar} from '../calendar/index.js'
import {isBotsError} from '../core/errors.js'
import {HookInvoker} from '../engine/hook-invoker.js'
import {pickRunner} from '../engine/pick-runner.js'
import {RunLog} from '../engine/run-log.js'
import {StrategyApi} from '../engine/strategy-api.js'
import type {Logger} from '../model/strategy.js'
import {resumePoint, takeSnapshot} from './bot-state.js'
import {BrokerSwitch} from './broker-switch.js'
import {LiveRunner} from './live-runner.js'
import {LiveSession} from './live-session.js'
import {LiveMarketView} from './live-view.js'
import type {BotState, LiveBot, LiveBotOptions, LiveBotOutcome, LiveBotStatus, StopReason} from './runtime-types.js'

/**
 * One live bot: the backtest's strategy API, hook invoker and simulated broker (the paper broker
 * is the backtest's order path, not a copy), on bars that arrive from a feed, scheduled as the
 * backtest runner for the spec's timeframe would schedule them.
 */
export function createLiveBot(o: LiveBotOptions): LiveBot {
  const botId = String(o.botId)
  const spec = o.spec
  const events = o.events ?? {}
  const clock = o.clock ?? o.feed.clock
  const calendar = o.calendar ?? createCalendar(spec.market)
  const view = new LiveMarketView(spec.symbols, spec.timeframeMs)
  const log = new RunLog(clock, logTo(events.onLog, clock))
  const base = {broker: spec.broker, market: view, clock, calendar, equity: new Float64Array(0)}
  const paper = o.limits === undefined ? base : {...base, limits: o.limits}
  const makeBroker = (): SimulatedBroker => {
    const x = o.exchange
    if (x === undefined) return new SimulatedBroker(paper)
    return x.createBroker(base, {recordIntent: (order) => session.recordIntent(order), log: (level, message) => events.onLog?.({time: clock.now(), level, message})})
  }
  // A bot that warms up (resumed, or fresh on an exchange's history) does so on a scratch paper
  // broker (its orders are discarded, never sent); its own broker takes over after. For an
  // exchange bot the scratch broker refuses what the exchange broker refuses, so the replay decides
  // as the bot did (a rules stop the exchange refused is watched again after a restart, not left
  // as a scratch stop order that never reaches the exchange).
  const warmsUp = o.initialState !== undefined || ((o.warmupBars ?? 0) > 0 && o.feed.recent !== undefined)
  const makeScratch = (): SimulatedBroker => new SimulatedBroker(o.exchange === undefined ? paper : {...base, limits: EXCHANGE_LIMITS})
  const broker = warmsUp ? makeScratch() : makeBroker()
  const hooks = o.hooks ?? o.definition.create((o.params ?? spec.strategy?.params ?? {}) as never)
  const brokers = new BrokerSwitch(broker)
  const api = new StrategyApi(clock, view, brokers, log, spec.sleeptimeMs, {}, calendar.timezone)
  api.calendar = calendar
  const invoker = new HookInvoker(hooks, api, o.definition.name, clock, view, brokers)
  broker.listener = invoker
  // Scheduled as `bots backtest` would run this spec, by the same kernel.
  const mode = pickRunner(spec) === 'daily' ? 'daily' : 'intraday'
  const session = new LiveSession({clock, view, brokers, api, invoker, calendar, mode, events, snapshot: () => snapshot()})
  // The latest resume point; states taken mid-step carry it (see BotState.checkpoint).
  const initialState = o.initialState ? resumePoint(o.initialState) : undefined
  let lastCheckpoint: BotState | null = initialState ?? null
  const snapshot = (): BotState => takeSnapshot(botId, o.definition.name, session, lastCheckpoint)
  const checkpoint = (): BotState => (lastCheckpoint = takeSnapshot(botId, o.definition.name, session, 'checkpoint'))

  const runner = new LiveRunner({
    session, feed: o.feed, events, makeBroker, makeScratch, initialState, checkpoint, pollMs: o.exchange?.pollMs, warmupBars: o.warmupBars,
    onStarted: () => {
      setStatus('running')
      resolveStarted()
    },
    sub: {symbols: spec.symbols, timeframeMs: spec.timeframeMs},
  })

  let status: LiveBotStatus = 'created'
  const setStatus = (next: LiveBotStatus) => {
    status = next
    events.onStatus?.(next)
  }
  let started: Promise<void> | undefined
  let resolveStarted!: () => void
  let rejectStarted!: (e: unknown) => void
  const ready = new Promise<void>((res, rej) => ((resolveStarted = res), (rejectStarted = rej)))
  ready.catch(() => {})

  let resolveDone!: (x: LiveBotOutcome) => void
  const done = new Promise<LiveBotOutcome>((res) => (resolveDone = res))
  let outcome: LiveBotOutcome | undefined

  const runAll = async (): Promise<void> => {
    // SessionManager.run: setup (resume, subscribe) → runLoop (until stop or feed end) → cleanup.
    try {
      await runner.run()
      // Stopped between steps, closing hook done: a resume point.
      outcome = {status: 'stopped', reason: runner.stopReason, state: checkpoint(), value: brokers.current.portfolio.value()}
      setStatus('stopped')
    } catch (error) {
      const e = asCrash(error, invoker)
      outcome = {status: 'crashed', reason: 'crash', error: e, state: snapshot()}
      setStatus('crashed')
      rejectStarted(e)
      events.onCrash?.(e, outcome.state)
    }
    resolveDone(outcome)
  }

  return {
    botId,
    feed: o.feed,
    get status() {
      return status
    },
    done,
    snapshot,
    start() {
      if (started === undefined) {
        setStatus('starting')
        void runAll()
        started = ready
      }
      return started
    },
    async stop(reason: StopReason = 'stop') {
      if (outcome) return outcome.state
      if (started === undefined) {
        outcome = {status: 'stopped', reason, state: checkpoint()}
        setStatus('stopped')
        await o.feed.close()
        resolveDone(outcome)
        return outcome.state
      }
      if (status === 'running' || status === 'starting') setStatus('stopping')
      await ready.catch(() => {})
      void runner.requestStop(reason)
      return (await done).state
    },
  }
}

/** A strategy crash already ran `onBotCrash`; any other failure (feed, an event handler) runs it now. */
function asCrash(error: unknown, invoker: HookInvoker): Error {
  if (isBotsError(error) && error.diagnostic.code === 'strategy.crash') return error
  // A feed with nothing to play for the spec's window is the spec's error, not the strategy's.
  if (isBotsError(error) && error.diagnostic.code === 'live.feed.window') return error
  try {
    invoker.fail('the live runtime', error)
  } catch (wrapped) {
    return wrapped instanceof Error ? wrapped : new Error(String(wrapped))
  }
}

function logTo(onLog: ((e: {time: number; level: 'info' | 'warn' | 'error'; message: string}) => void) | undefined, clock: {now(): number}): Logger | undefined {
  if (!onLog) return undefined
  return {
    info: (message) => onLog({time: clock.now(), level: 'info', message}),
    warn: (message) => onLog({time: clock.now(), level: 'warn', message}),
    error: (message) => onLog({time: clock.now(), level: 'error', message}),
  }
}
