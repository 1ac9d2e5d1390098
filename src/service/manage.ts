/**
 * What the management commands do (`bots add`, `update`, `enable`, `disable`, `remove`), as
 * library calls. Each is one short transaction on the store (see `db.ts`), so they work while a
 * `bots live` service runs: it picks the change up at its next poll.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {WallClock} from '../core/clock.js'
import {BotsError, type Diagnostic} from '../core/errors.js'
import {loadYamlFile, type LoadedYaml} from '../document/load-yaml.js'
import {locate} from '../document/locate.js'
import {discoverStrategies, type Discovery} from '../strategy/discover.js'
import type {BotRow} from './bot-rows.js'
import type {DbOptions} from './db.js'
import {DuckRegistry} from './registry/duck-registry.js'
import type {Registry} from './registry/registry.js'
import {specHash} from '../results/hash.js'
import {checkSpecText, type SpecCheck} from './spec-check.js'

export interface ManageOptions extends DbOptions {
  /** The registry to change (default: the DuckDB store at `path`). */
  registry?: Registry
  /** Extra strategy folders (`--strategies`). */
  strategies?: string[]
  discovery?: Discovery
}

const wall = new WallClock()

/** A spec that failed validation: every located problem, nothing stored. */
export class SpecRejectedError extends BotsError {
  constructor(diagnostics: Diagnostic[], stage: SpecCheck['stage']) {
    const errors = diagnostics.filter((d) => d.severity === 'error')
    super(`the spec is invalid (${stage ?? 'spec'}): ${errors[0]?.message ?? 'unknown problem'}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, {...errors[0], code: 'spec.invalid'}, diagnostics)
  }
}

interface ReadSpec {
  text: string
  file: string
  name: string
  userId?: number
  /** `spec_hash` of the typed spec (results/hash.ts): the same as a backtest run of this file records. */
  hash: string
}

/** Read and fully validate a spec file (schema, then strategy params). Throws SpecRejectedError. */
export async function readSpecFile(file: string, opts: ManageOptions): Promise<ReadSpec> {
  const loaded = await loadYamlFile(path.resolve(file))
  if (!loaded.ok) throw new SpecRejectedError(loaded.diagnostics.map((d) => ({...d, file})), 'yaml')
  const text = await readFile(path.resolve(file), 'utf8')
  const discovery = opts.discovery ?? (await discoverStrategies({extra: opts.strategies}))
  const check = await checkSpecText(text, file, discovery)
  if (!check.valid || !check.spec) throw new SpecRejectedError(check.diagnostics, check.stage)
  requireLiveSection(loaded.yaml, file)
  return {text, file: path.resolve(file), name: check.spec.name, userId: check.spec.userId, hash: specHash(check.spec)}
}

/**
 * A bot in the registry runs live, so its spec must say how: without a `live:` section the
 * defaults would replay every stored bar from the first (ORCL: 1995) at one bar a second, for
 * hours, with nothing to show for it. Refused with a located error (nothing stored).
 */
function requireLiveSection(yaml: LoadedYaml, file: string): void {
  if (yaml.value.live !== undefined && yaml.value.live !== null) return
  const at = locate(yaml.doc, yaml.lineCounter, [])
  throw new BotsError('the spec has no `live` section: a live bot needs to be told which feed to run on (and for a replay, from when)', {
    code: 'spec.no_live', file, line: at.line, column: at.column, path: '/live',
    hint: 'add a `live:` section, e.g. `live: {feed: {type: replay, start: 2014-01-02, speed: 20}, broker: {type: paper}}` (see examples/live-replay.yaml)',
  })
}

/** `--user-id` and the spec's `user_id` must agree; one of them must be given. */
function ownerOf(spec: ReadSpec, flag: number | undefined, file: string): number {
  if (flag !== undefined && spec.userId !== undefined && flag !== spec.userId) {
    throw new BotsError(`the spec says user_id ${spec.userId} but --user-id is ${flag}`, {code: 'bot.user', file, path: '/user_id', hint: 'make them agree, or drop one of them'})
  }
  const owner = flag ?? spec.userId
  if (owner === undefined) throw new BotsError('whose bot is this? give --user-id N (or `user_id:` in the spec)', {code: 'bot.user', file})
  return owner
}

export async function addBot(file: string, userId: number | undefined, opts: ManageOptions & {enabled?: boolean}): Promise<BotRow> {
  const spec = await readSpecFile(file, opts)
  const owner = ownerOf(spec, userId, file)
  const now = (opts.clock ?? wall).now()
  return registryOf(opts).addBot({userId: owner, name: spec.name, spec: spec.text, specFile: spec.file, specHash: spec.hash, enabled: opts.enabled ?? true, now})
}

export async function updateBot(id: number, file: string, opts: ManageOptions): Promise<{bot: BotRow; changed: boolean}> {
  const spec = await readSpecFile(file, opts)
  const now = (opts.clock ?? wall).now()
  return registryOf(opts).updateSpec(id, {name: spec.name, spec: spec.text, specFile: spec.file, specHash: spec.hash, now}, (before) => void ownerOf(spec, before.userId, file))
}

export async function enableBot(id: number, enabled: boolean, opts: ManageOptions): Promise<BotRow> {
  return registryOf(opts).setEnabled(id, enabled, (opts.clock ?? wall).now())
}

export async function removeBot(id: number, opts: ManageOptions): Promise<BotRow> {
  return registryOf(opts).removeBot(id)
}

/** The registry given, else the DuckDB store of `opts` (the embedded default). */
export const registryOf = (opts: ManageOptions): Registry => opts.registry ?? new DuckRegistry(opts)
