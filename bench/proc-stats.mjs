// A process's CPU time and memory from /proc (Linux), for the benches that watch a child service.
import {readFileSync} from 'node:fs'

/** CPU milliseconds (user + system) used by `pid` so far, NaN when unreadable. */
export function procCpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100 // utime + stime, in clock ticks (100/s)
  } catch {
    return NaN
  }
}

/** Resident memory of `pid` in MB, 0 when unreadable. */
export function procRssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}
