/**
 * Which files a spec may name (data files, a data store, a strategy spec): those inside its own
 * folder tree, the working folder's tree, and the folders listed in BOTS_ALLOW_PATHS (separated
 * like PATH). Anything else is refused, so a spec stored in a shared service cannot make it read
 * any file of the machine (`../../etc/…`, an absolute path) or create stores anywhere writable.
 *
 * Paths are compared after resolving symbolic links (of the part that exists), so a link inside
 * the tree pointing out of it is outside.
 */
import {realpathSync} from 'node:fs'
import path from 'node:path'

export function allowedRoots(specDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.BOTS_ALLOW_PATHS ?? '').split(path.delimiter).filter((p) => p.trim() !== '')
  return [...new Set([specDir, process.cwd(), ...extra].map((p) => real(path.resolve(p))))]
}

/** Whether `file` (absolute, existing or not) lies inside one of `roots`. */
export function insideRoots(file: string, roots: string[]): boolean {
  const target = real(file)
  return roots.some((root) => target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep))
}

/** The real path of the longest existing prefix, with the rest appended (a store may not exist yet). */
function real(p: string): string {
  const rest: string[] = []
  let cur = p
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest.reverse())
    } catch {
      const parent = path.dirname(cur)
      if (parent === cur) return p
      rest.push(path.basename(cur))
      cur = parent
    }
  }
}
