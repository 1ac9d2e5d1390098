/**
 * `bots backtset x.yaml`: a usage error with a did-you-mean instead of oclif's raw
 * "command backtset:x.yaml not found" (issue 14, item 10). Exit 2, no stack trace.
 *
 * oclif joins the words of a spaced command into one id with the arguments that follow
 * (`backtset:x.yaml`), so the unknown word is the first one that is neither a topic nor a
 * command; the words before it are the topic it was typed under (`runs lst` → under `runs`).
 */
import type {Config, Hook} from '@oclif/core'
import {Errors} from '../cli/oclif.js'
import {didYouMean} from '../core/suggest.js'

const EXIT_USAGE = 2

const hook: Hook<'command_not_found'> = async function ({id, config}) {
  process.stderr.write(`${notFoundMessage(id, config)}\n`)
  throw new Errors.ExitError(EXIT_USAGE)
}

export default hook

/** The two lines printed for an unknown command id (`:`-joined words, as oclif gives it). */
export function notFoundMessage(id: string, config: Pick<Config, 'bin' | 'commands' | 'topics'>): string {
  const words = id.split(':')
  const visible = config.commands.filter((c) => !c.hidden)
  const ids = new Set([...visible.flatMap((c) => [c.id, ...c.aliases]), ...config.topics.filter((t) => !t.hidden).map((t) => t.name)])
  let depth = 0
  while (depth < words.length - 1 && ids.has(words.slice(0, depth + 1).join(':'))) depth++
  const under = words.slice(0, depth)
  const prefix = under.length ? `${under.join(':')}:` : ''
  // The commands and topics one level below `under`: what the unknown word could have been.
  const children = new Set<string>()
  for (const x of ids) if (x.startsWith(prefix) && x.length > prefix.length) children.add(x.slice(prefix.length).split(':')[0])
  const guess = didYouMean(words[depth], children)
  // `run list` → `runs list`: a mistyped topic is suggested with the command typed after it.
  const next = words[depth + 1]
  const withNext = guess !== undefined && next !== undefined && ids.has(`${prefix}${guess}:${next}`)
  const typed = [...under, words[depth], ...(withNext ? [next] : [])].join(' ')
  const spaced = (w: string) => [...under, w, ...(withNext ? [next] : [])].join(' ')
  const head = `error: "${typed}" is not a ${config.bin} command.${guess ? ` Did you mean "${spaced(guess)}"?` : ''}`
  return `${head}\n  hint: \`${[config.bin, ...under].join(' ')} --help\` lists the commands`
}
