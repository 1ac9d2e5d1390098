/**
 * Exchange errors made safe to show and store: every credential value, and the signature and
 * API-key values ccxt echoes from a failed request's URL or headers, replaced by `***`, with the
 * kind of failure (error-kind.ts) kept.
 */
import {BotsError} from '../core/errors.js'
import {classifyExchangeError, errorClassNames, messageOf, type ExchangeErrorKind} from './error-kind.js'

export {classifyExchangeError, isTransientExchangeError, type ExchangeErrorKind} from './error-kind.js'

/** Query parameters and headers whose values are secret wherever they are echoed (URLs, header dumps, JSON). */
const SECRET_FIELDS = [
  'signature', 'sign', 'apikey', 'api_key', 'api-key', 'secret', 'passphrase', 'password', 'token',
  'x-mbx-apikey', 'ok-access-key', 'ok-access-sign', 'ok-access-passphrase', 'kc-api-key', 'kc-api-sign',
  'kc-api-passphrase', 'x-bapi-api-key', 'x-bapi-sign', 'cb-access-key', 'cb-access-sign', 'cb-access-passphrase',
  'api-sign', 'x-api-key', 'authorization',
]
const FIELD = SECRET_FIELDS.map((f) => f.replace(/[-_]/g, '[-_]?')).join('|')
/** `name=value` in a URL or form body. */
const QUERY_RE = new RegExp(`([?&;\\s]|^)(${FIELD})=([^&\\s"',;}]+)`, 'gi')
/** `"Name": "value"`, `'Name': 'value'`, `Name: value` (JSON, a JS object dump, an HTTP header line). */
const HEADER_RE = new RegExp(`(?<![A-Za-z0-9_-])(["']?)(${FIELD})\\1(\\s*[:=]\\s*)(["']?)((?:Bearer|Basic)\\s+)?([^"'\\s,}&]+)\\4`, 'gi')

/**
 * `text` with every occurrence of each secret (as written, URL-encoded, base64'd) and of the
 * values of signature/API-key parameters and headers replaced by `***`. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text
  const variants = new Set<string>()
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length === 0) continue
    variants.add(s)
    variants.add(encodeURIComponent(s))
    if (s.length >= 8) variants.add(Buffer.from(s).toString('base64'))
  }
  // Longest first, so a secret that contains another is replaced whole.
  for (const v of [...variants].sort((a, b) => b.length - a.length)) out = out.split(v).join('***')
  out = out.replace(QUERY_RE, (_m, pre: string, name: string) => `${pre}${name}=***`)
  out = out.replace(HEADER_RE, (_m, q: string, name: string, sep: string, vq: string, scheme: string | undefined) => `${q}${name}${q}${sep}${vq}${scheme ?? ''}***${vq}`)
  return out
}

/** A ccxt failure as a BotsError safe to print or store: redacted, with its kind. */
export class ExchangeRequestError extends BotsError {
  constructor(
    message: string,
    readonly kind: ExchangeErrorKind,
    /** ccxt's class name (`InsufficientFunds`), when it was a ccxt error. */
    readonly ccxtClass: string | undefined,
    hint?: string,
  ) {
    super(message, {code: `exchange.${kind}`, hint})
    this.name = 'ExchangeRequestError'
  }
}

const HINTS: Record<ExchangeErrorKind, string | undefined> = {
  network: 'the exchange could not be reached or did not answer in time; it is retried',
  'rate-limit': 'too many requests: ccxt\'s rate limiter is on; bots sharing an account share it',
  auth: 'check the API key and secret in the environment variables named by `credentials_env`, and the key\'s permissions (trading, IP allow-list)',
  'insufficient-funds': 'the account does not hold enough to place this order',
  'invalid-order': 'the exchange rejected the order (size, price, precision or limits)',
  'order-not-found': undefined,
  duplicate: undefined,
  other: undefined,
}

/**
 * Wraps any error from ccxt into an ExchangeRequestError whose message names what was being done and
 * carries no credential: `secrets` are the credential values in use. The original error is NOT
 * attached (its message, stack and request dump may hold them).
 */
export function wrapExchangeError(e: unknown, secrets: Iterable<string | undefined>, doing?: string): ExchangeRequestError {
  if (e instanceof ExchangeRequestError) return e
  const kind = classifyExchangeError(e)
  const ccxtClass = ccxtClassOf(e)
  const detail = redactSecrets(messageOf(e), secrets)
  const message = `${doing ? `${doing}: ` : ''}${ccxtClass ? `${ccxtClass}: ` : ''}${detail}`
  return new ExchangeRequestError(message, kind, ccxtClass, HINTS[kind])
}

/** The most specific ccxt class of an error (its constructor's name, when it descends from ccxt's BaseError). */
function ccxtClassOf(e: unknown): string | undefined {
  const names = errorClassNames(e)
  if (!names.has('BaseError')) return undefined
  const ctor = (e as {constructor?: {name?: unknown}}).constructor?.name
  return typeof ctor === 'string' ? ctor : undefined
}
