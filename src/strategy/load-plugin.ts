/**
 * Loads one strategy plugin file. `.ts` files are transpiled at run time by jiti (no build step
 * for users); `import ... from 'bots'` inside a plugin resolves to this package's public API.
 * Only files from configured strategy folders are ever passed here.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'
import type {Jiti} from 'jiti'
import {isStrategyDefinition} from './definition.js'
import type {StrategyDefinition} from '../model/strategy.js'

// From dist/strategy/*.js the public API is dist/index.js; under tsx (tests) it is src/index.ts.
const PUBLIC_API = (() => {
  const js = fileURLToPath(new URL('../index.js', import.meta.url))
  return existsSync(js) ? js : fileURLToPath(new URL('../index.ts', import.meta.url))
})()

// jiti costs ~100 ms to import, so it is loaded only when a users' plugin needs it.
let jiti: Jiti | undefined
async function loader(): Promise<Jiti> {
  if (!jiti) {
    const {createJiti} = await import('jiti')
    jiti = createJiti(import.meta.url, {alias: {bots: PUBLIC_API}, fsCache: true, moduleCache: true, interopDefault: true})
  }
  return jiti
}

/** Loads the plugin loader itself, so that a time limit on loading a plugin measures only the plugin. */
export async function warmPluginLoader(): Promise<void> {
  await loader()
}

/**
 * `native` is for the strategies shipped with bots, compiled by the build: plain `import()`, whose
 * `from 'bots'` resolves through the package's self-reference.
 */
export async function loadPluginFile(file: string, native = false): Promise<StrategyDefinition> {
  const mod = (native ? await import(pathToFileURL(file).href) : await (await loader()).import(file)) as {default?: unknown}
  const candidate = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod
  if (!isStrategyDefinition(candidate)) {
    throw new Error('does not default-export a strategy definition (an object with name, description, params and create)')
  }
  return candidate
}
