import {isoDate} from '../calendar/civil-date.js'

const DAY_MS = 86_400_000

/** `YYYY-MM-DD HH:MM UTC` (seconds when not zero) by arithmetic: engine code never builds a Date. */
export function formatUtc(t: number): string {
  if (!Number.isFinite(t)) return String(t)
  const day = Math.floor(t / DAY_MS)
  const ms = t - day * DAY_MS
  const hh = Math.floor(ms / 3_600_000)
  const mm = Math.floor((ms % 3_600_000) / 60_000)
  const ss = Math.floor((ms % 60_000) / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${isoDate(day)} ${pad(hh)}:${pad(mm)}${ss ? ':' + pad(ss) : ''} UTC`
}
