/**
 * `--registry URL` / `BOTS_REGISTRY`: where the PostgreSQL registry is. A password never goes in
 * the URL (it would sit in shell history, `ps` output and CI logs): libpq's `PGPASSWORD` or
 * `~/.pgpass` supply it, and the `pg` client reads both.
 */
import {BotsError} from '../../../core/errors.js'

export interface RegistryUrl {
  /** What the client connects with. */
  url: string
  /** For log lines and errors: the same, which holds no secret. */
  shown: string
}

export function parseRegistryUrl(text: string): RegistryUrl {
  let u: URL
  try {
    u = new URL(text)
  } catch {
    throw new BotsError('--registry must be a PostgreSQL URL', {code: 'registry.url', hint: 'e.g. postgres://bots@db.example:5432/bots (the password comes from PGPASSWORD or ~/.pgpass)'})
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new BotsError(`--registry must be a postgres:// URL, not ${u.protocol}//…`, {code: 'registry.url', hint: 'e.g. postgres://bots@db.example:5432/bots; without --registry the registry is the DuckDB store (--db)'})
  }
  if (u.password) {
    throw new BotsError('the --registry URL holds a password; it would be seen in the process list and in logs', {
      code: 'registry.password', hint: 'drop it from the URL and set PGPASSWORD, or add a line to ~/.pgpass',
    })
  }
  for (const key of ['password', 'sslpassword']) {
    if (u.searchParams.has(key)) throw new BotsError(`the --registry URL holds a ${key} parameter`, {code: 'registry.password', hint: 'use PGPASSWORD or ~/.pgpass instead'})
  }
  return {url: u.toString(), shown: u.toString()}
}
