/** Write a file so that readers see the old content or the new, never a part: temp file in the same folder, then rename. */
import {mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

export function writeFileAtomic(file: string, content: string): string {
  const target = path.resolve(file)
  mkdirSync(path.dirname(target), {recursive: true})
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`)
  try {
    writeFileSync(temp, content)
    renameSync(temp, target)
  } catch (e) {
    rmSync(temp, {force: true})
    throw e
  }
  return target
}
