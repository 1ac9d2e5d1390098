/**
 * The sweep's ETA (CLI bookkeeping, wall time): the mean time per finished run so far, times the
 * runs left. Given `sinceFirstMs` (the time since the first run finished) and two runs or more,
 * the mean is over the runs after the first: workers starting (and a vector sweep computing its
 * series) delay the first result only, and counted in every run's share they inflate the ETA.
 */
export function etaMs(elapsedMs: number, done: number, total: number, sinceFirstMs?: number): number {
  if (done <= 0 || !(elapsedMs >= 0)) return NaN
  const left = Math.max(0, total - done)
  if (sinceFirstMs !== undefined && done >= 2 && sinceFirstMs >= 0) return (sinceFirstMs / (done - 1)) * left
  return (elapsedMs / done) * left
}

/** `ETA 12 s`, `ETA 3 min 05 s`, `done in 1.4 s` once every run finished; `ETA …` before the first. */
export function formatEta(elapsedMs: number, done: number, total: number, sinceFirstMs?: number): string {
  if (done >= total) return `done in ${seconds(elapsedMs)}`
  const ms = etaMs(elapsedMs, done, total, sinceFirstMs)
  return ms === ms ? `ETA ${seconds(ms)}` : 'ETA …'
}

function seconds(ms: number): string {
  const s = ms / 1000
  if (s < 9.95) return `${s.toFixed(1)} s`
  const whole = Math.round(s)
  if (whole < 60) return `${whole} s`
  const m = Math.floor(whole / 60)
  const rest = whole % 60
  if (m < 60) return `${m} min ${String(rest).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}
