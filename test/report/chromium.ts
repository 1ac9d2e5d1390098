/**
 * Headless Chromium for report tests: the binary, and a report's DOM once the page says it is drawn.
 *
 * Driven through playwright-core (the system Chromium; no browser download). The page is read when
 * it marks itself done (`data-shown`, set by its range selector after the charts drew the range
 * last asked for), or when it records an error: an event of the page's, never a time budget. A
 * `--virtual-time-budget` dump raced the charts' animation frames and lost on a loaded CI machine.
 */
import {spawnSync} from 'node:child_process'
import {pathToFileURL} from 'node:url'
import {chromium as playwright} from 'playwright-core'

export const INSTALL_HINT = 'apt-get install -y chromium (Debian), or set CHROMIUM to a Chromium/Chrome binary'

export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => Boolean(c))
  const found = candidates.find((c) => spawnSync(c, ['--version'], {encoding: 'utf8'}).status === 0)
  if (!found) return undefined
  // Playwright wants a path; `command -v` resolves a bare name the way the shell would (passed as an argument, not spliced into the script).
  return found.includes('/') ? found : spawnSync('sh', ['-c', 'command -v "$1"', 'sh', found], {encoding: 'utf8'}).stdout.trim()
}

export interface OpenOptions {
  /** Appended to the file's URL: `#range=5y`, `#sort=MAE`. */
  hash?: string
  width?: number
  height?: number
  /** Also write a PNG of the viewport here. */
  screenshot?: string
}

export interface OpenedPage {
  /** The DOM as the page left it, serialized (`page.content()`). */
  html: string
  /** Console errors and uncaught exceptions, in order. */
  errors: string[]
  /** Every value `data-shown` took, in order: the page promises to mark only the range last asked for. */
  shown: string[]
}

/** The page marks <html> with data-errors on any error, and data-shown once its charts are drawn. */
const DRAWN = 'html[data-errors], html[data-report="ready"][data-fitted="yes"][data-shown]'

/** A safety net for a hung browser, not a speed check: a loaded machine may take a while. */
const SAFETY_MS = 300_000

/** Opens a local report file (file:// only, no network) and returns its DOM once it is drawn. */
export async function openReport(bin: string, file: string, options: OpenOptions = {}): Promise<OpenedPage> {
  const browser = await playwright.launch({
    executablePath: bin,
    timeout: SAFETY_MS,
    // Without the background-networking flags Chromium keeps trying this offline machine's closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  })
  try {
    const page = await browser.newPage({viewport: {width: options.width ?? 1280, height: options.height ?? 2400}, deviceScaleFactor: 1})
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`))
    // Runs before the page's own scripts: a MutationObserver notes each data-shown it sets.
    await page.addInitScript(`(function () {
      var shown = window.__shown = [];
      new MutationObserver(function (records) {
        records.forEach(function (r) { shown.push(r.target.getAttribute('data-shown')); });
      }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-shown']});
    })()`)
    await page.goto(`${pathToFileURL(file).href}${options.hash ?? ''}`, {timeout: SAFETY_MS})
    await page.waitForSelector(DRAWN, {state: 'attached', timeout: SAFETY_MS})
    const html = await page.content()
    const shown = (await page.evaluate('window.__shown')) as string[]
    if (options.screenshot) await page.screenshot({path: options.screenshot, timeout: SAFETY_MS})
    return {html, errors, shown}
  } finally {
    await browser.close()
  }
}
