// The GLIBC_TUNABLES that bin/run.js starts `bots` with (every command but the services), and the
// V8 flag it gives `bots backtest` (LAUNCHER_YOUNG), read from its shell line so the benchmarks
// that run our code in processes of their own cannot drift from it.
import {readFileSync} from 'node:fs'

const line = readFileSync(new URL('../bin/run.js', import.meta.url), 'utf8').split('\n')[1]
const found = /export GLIBC_TUNABLES="([^$"]+)/.exec(line)
if (!found) throw new Error('bin/run.js: no GLIBC_TUNABLES on its shell line')

export const LAUNCHER_TUNABLES = found[1].replace(/:$/, '')

const young = /backtest:\*\) young=(--max-semi-space-size=\d+)/.exec(line)
if (!young) throw new Error('bin/run.js: no --max-semi-space-size for backtest on its shell line')

/** The young generation's cap that bin/run.js gives `bots backtest` (--max-semi-space-size=N). */
export const LAUNCHER_YOUNG = young[1]

/** GLIBC_TUNABLES as bin/run.js would set it in `env`: ours first, the user's after (the last wins). */
export function withLauncherTunables(env = process.env) {
  return env.GLIBC_TUNABLES ? `${LAUNCHER_TUNABLES}:${env.GLIBC_TUNABLES}` : LAUNCHER_TUNABLES
}
