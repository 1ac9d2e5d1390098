/**
 * Webhook notifications (spec `live.notify`): an HTTP POST of JSON on the chosen events. The URL
 * comes from the environment variable the spec names, never from the spec, so specs can be
 * committed and shared without secrets. Sending never delays a bot: it runs in the background
 * with bounded retries, and a notification that cannot be delivered is reported, then dropped.
 */
import type {TimerClock} from '../core/clock.js'
import {retry} from '../core/retry.js'
import type {BotSpec} from '../model/bot-spec.js'

export type NotifyKind = 'fill' | 'crash' | 'error' | 'start' | 'stop'

export interface NotifyOptions {
  /** Timestamps, the waits between tries and each try's timeout. */
  clock: TimerClock
  attempts?: number
  timeoutMs?: number
  /** Delay before the 2nd attempt; doubles after each. */
  backoffMs?: number
  env?: NodeJS.ProcessEnv
  /** Told when a notification is given up (the service records an event). */
  onFailure?: (kind: NotifyKind, reason: string) => void
}

export interface Notifier {
  send(kind: NotifyKind, payload: Record<string, unknown>): void
  /** Resolves when every notification sent so far has been delivered or given up. */
  idle(): Promise<void>
}

/** A notifier for one bot, or a problem to report when its webhook is not configured. */
export function createNotifier(bot: {id: number; name: string; userId: number}, spec: BotSpec, opts: NotifyOptions): {notifier?: Notifier; problem?: string} {
  const notify = spec.live.notify
  if (!notify?.webhookEnv) return {}
  const url = (opts.env ?? process.env)[notify.webhookEnv]
  if (!url) return {problem: `live.notify.webhook_env names ${notify.webhookEnv}, which is not set: no notifications`}
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return {problem: `${notify.webhookEnv} does not hold a URL: no notifications`}
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return {problem: `${notify.webhookEnv} must be an http(s) URL: no notifications`}
  const events = new Set(notify.events)
  const inFlight = new Set<Promise<void>>()
  return {
    notifier: {
      send(kind, payload) {
        if (!events.has(kind)) return
        const body = JSON.stringify({event: kind, at: new Date(opts.clock.now()).toISOString(), bot: {id: bot.id, name: bot.name, userId: bot.userId}, ...payload})
        const p = deliver(parsed, body, opts).then(
          () => {},
          (e: Error) => opts.onFailure?.(kind, e.message),
        )
        inFlight.add(p)
        void p.finally(() => inFlight.delete(p))
      },
      async idle() {
        await Promise.all([...inFlight])
      },
    },
  }
}

/** A client error (4xx other than 429) will not go away by retrying. */
class Rejected extends Error {}

async function deliver(url: URL, body: string, opts: NotifyOptions): Promise<void> {
  const {clock} = opts
  try {
    await retry(
      async () => {
        const res = await post(url, body, clock, opts.timeoutMs ?? 5_000)
        if (res.ok) return
        const msg = `HTTP ${res.status}`
        throw res.status >= 400 && res.status < 500 && res.status !== 429 ? new Rejected(msg) : new Error(msg)
      },
      {clock, attempts: opts.attempts ?? 3, initialDelayMs: opts.backoffMs ?? 500, retryable: (e) => !(e instanceof Rejected)},
    )
  } catch (e) {
    // The URL may carry a token: say where (host) but not the whole address.
    throw new Error(`webhook to ${url.host} failed: ${(e as Error).message}`)
  }
}

/** One POST, aborted after `timeoutMs` on the clock. */
async function post(url: URL, body: string, clock: TimerClock, timeoutMs: number): Promise<Response> {
  const abort = new AbortController()
  const timer = clock.setTimer(timeoutMs, () => abort.abort(new Error(`no answer within ${timeoutMs} ms`)))
  try {
    const res = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body, signal: abort.signal})
    await res.arrayBuffer().catch(() => undefined)
    return res
  } catch (e) {
    throw abort.signal.aborted ? (abort.signal.reason as Error) : e
  } finally {
    clock.cancel(timer)
  }
}
