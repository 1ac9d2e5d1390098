/**
 * Binance's request signing, checked the way the exchange checks it: HMAC-SHA256 (hex) with the
 * secret over the exact parameter text sent, without the `signature` parameter.
 *
 * - REST (SIGNED endpoints): the query string followed by the form body (`totalParams`), the
 *   `X-MBX-APIKEY` header carries the key. ccxt sends everything in one of the two.
 * - WebSocket API (`userDataStream.subscribe.signature`…): the params, `apiKey` included, sorted by
 *   key and joined as `k=v&…` without URL-encoding (ccxt pro/binance.js `signParams`).
 */
import {createHmac, timingSafeEqual} from 'node:crypto'
import {badApiKey, badSignature, missingParam} from './binance-errors.js'

export interface Credentials {
  apiKey: string
  apiSecret: string
}

/** Throws Binance's error for a wrong key (-2015) or a missing or wrong signature (-1022). */
export function checkRestSignature(creds: Credentials, apiKeyHeader: string | undefined, rawQuery: string, rawBody: string): void {
  checkKey(creds, apiKeyHeader)
  const parts = [rawQuery, rawBody].map((text) => text.split('&').filter((p) => p !== ''))
  const signature = parts.flat().find((p) => p.startsWith('signature='))?.slice('signature='.length)
  if (!parts.flat().some((p) => p.startsWith('timestamp='))) throw missingParam('timestamp')
  if (signature === undefined) throw missingParam('signature')
  const payload = parts.map((ps) => ps.filter((p) => !p.startsWith('signature=')).join('&')).filter((t) => t !== '').join('')
  if (!sameHex(hmac(creds.apiSecret, payload), signature)) throw badSignature()
}

/** Only the key (endpoints of type USER_STREAM). */
export function checkKey(creds: Credentials, apiKey: string | undefined): void {
  if (apiKey === undefined || !sameText(apiKey, creds.apiKey)) throw badApiKey()
}

export function checkWsSignature(creds: Credentials, params: Record<string, unknown>): void {
  checkKey(creds, typeof params.apiKey === 'string' ? params.apiKey : undefined)
  const signature = params.signature
  if (typeof signature !== 'string') throw missingParam('signature')
  if (params.timestamp === undefined) throw missingParam('timestamp')
  const payload = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&')
  if (!sameHex(hmac(creds.apiSecret, payload), signature)) throw badSignature()
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

function sameHex(expected: string, given: string): boolean {
  return sameText(expected, given.toLowerCase())
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
