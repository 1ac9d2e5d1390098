/**
 * When a crashed bot is restarted: after `baseMs`, doubling per consecutive crash up to `maxMs`;
 * after `maxRestarts` consecutive crashes it stays in `error`. A bot that ran `stableMs` without
 * crashing starts counting from zero again, so one crash a day never exhausts the budget.
 */
export interface RestartPolicy {
  baseMs: number
  maxMs: number
  maxRestarts: number
  stableMs: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {baseMs: 1_000, maxMs: 60_000, maxRestarts: 5, stableMs: 300_000}

/** Delay before restart number `n` (1-based), or undefined when the budget is spent. */
export function restartDelay(policy: RestartPolicy, n: number): number | undefined {
  if (n > policy.maxRestarts) return undefined
  return Math.min(policy.baseMs * 2 ** (n - 1), policy.maxMs)
}
