/** Headless Chromium for report tests: the binary, and a page's DOM after its scripts ran. */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

export const INSTALL_HINT = 'apt-get install -y chromium (Debian), or set CHROMIUM to a Chromium/Chrome binary'

export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => Boolean(c))
  return candidates.find((c) => spawnSync(c, ['--version'], {encoding: 'utf8'}).status === 0)
}

export interface PageRun {
  stdout: string
  stderr: string
  status: number | null
}

/** Loads a local file with no network (file:// only), lets its scripts run, then dumps the DOM or takes a screenshot. */
export function runHeadless(bin: string, file: string, mode: {dumpDom: true} | {screenshot: string}): PageRun {
  const profile = mkdtempSync(path.join(tmpdir(), 'bots-chromium-'))
  try {
    const args = [
      '--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', '--virtual-time-budget=10000',
      '--window-size=1280,2400',
      ...('dumpDom' in mode ? ['--dump-dom'] : [`--screenshot=${mode.screenshot}`]),
      pathToFileURL(file).href,
    ]
    // A safety net for a hung browser, not a speed check: a loaded machine may take a while to start it.
    const r = spawnSync(bin, args, {encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20})
    return {stdout: r.stdout, stderr: r.stderr, status: r.status}
  } finally {
    rmSync(profile, {recursive: true, force: true})
  }
}

/** Console messages the page logged as errors, and uncaught exceptions. */
export function consoleErrors(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /CONSOLE/.test(l) && /(error|uncaught)/i.test(l))
}
