/**
 * The one retry loop: bounded tries (a number of attempts, a time budget, or both), exponential
 * backoff with jitter, waits through an injected clock (a simulated clock in tests: no real
 * waiting), and a predicate for the errors worth another try. The last error is what the caller
 * gets; callers that explain a give-up in their own words catch it and wrap it.
 */
import type {TimerClock} from './clock.js'

export interface RetryOptions {
  clock: TimerClock
  /** Tries in all, the first included (default: unbounded when `deadlineMs` is given, else 3). */
  attempts?: number
  /**
   * Time budget from the first try (ms). A wait that would end past it is shortened to end on it,
   * for one last try; after that, the error stands.
   */
  deadlineMs?: number
  /** Wait before the 2nd try (ms). */
  initialDelayMs: number
  /** Each wait is the previous one times this (default 2). */
  factor?: number
  /** Longest wait before jitter (ms; default unbounded). */
  maxDelayMs?: number
  /** Spread of each wait: it is multiplied by a factor drawn from [1 − jitter, 1 + jitter) (default 0). */
  jitter?: number
  /** Uniform on [0, 1) (default Math.random): inject a fixed sequence in tests. */
  random?: () => number
  /** Whether `error` (from try number `attempt`) is worth another try (default: every error). */
  retryable?: (error: unknown, attempt: number) => boolean
  /** Told before each wait: the error, the try that failed (1-based), and how long the wait is. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

/** Runs `fn` (given the try number, 1-based) until it resolves, a non-retryable error, or the bounds. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = o.attempts ?? (o.deadlineMs === undefined ? 3 : Infinity)
  const deadline = o.deadlineMs === undefined ? Infinity : o.clock.now() + o.deadlineMs
  const factor = o.factor ?? 2
  const jitter = o.jitter ?? 0
  const random = o.random ?? Math.random
  let base = o.initialDelayMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (e) {
      if (attempt >= attempts || (o.retryable && !o.retryable(e, attempt))) throw e
      const left = deadline - o.clock.now()
      if (left <= 0) throw e
      const wait = Math.min(left, Math.max(0, base * (1 - jitter + 2 * jitter * random())))
      base = Math.min(base * factor, o.maxDelayMs ?? Infinity)
      o.onRetry?.(e, attempt, wait)
      await o.clock.sleep(wait)
    }
  }
}

