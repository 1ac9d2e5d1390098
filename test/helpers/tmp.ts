import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {after} from 'node:test'

/** A fresh temporary folder, removed when the test file finishes. */
export function tempDir(prefix = 'bots-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  after(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}
