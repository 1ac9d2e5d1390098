/**
 * When a process started, as the kernel counts it (Linux: field 22 of /proc/PID/stat, clock ticks
 * since boot): with its PID, it names one process for good, where a PID alone may be reused by
 * another process once the first is gone. Undefined where there is no /proc (macOS, Windows) or
 * the process is gone.
 */
import {readFileSync} from 'node:fs'

export function processStart(pid: number): string | undefined {
  return statFields(pid)?.[19] // field 22 (fields after the name start at field 3)
}

/** Whether the process has exited and awaits its parent's wait (state Z): it runs no more. */
export function isZombie(pid: number): boolean {
  return statFields(pid)?.[0] === 'Z'
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}
