/**
 * Only regular files are read as specs and as data files. A FIFO named `spec.yaml` blocked every
 * read forever; a symlink to `/dev/zero` reports size 0 to `stat` and then never ends, so a size
 * cap checked against `stat` let a read grow to gigabytes. Here the type is checked first
 * (following symlinks) and reads stop at the cap by bytes actually read.
 */
import {constants, statSync, type Stats} from 'node:fs'
import {open, stat} from 'node:fs/promises'

/** What a path is when it is not a regular file ("a FIFO (named pipe)", …); undefined for a regular file. */
export function notRegularKind(st: Stats): string | undefined {
  if (st.isFile()) return undefined
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** 'missing' when nothing is there (or it cannot be looked at), the kind when it is not a regular file, undefined when it is one. */
export function regularFileProblem(file: string): 'missing' | {kind: string} | undefined {
  let st: Stats
  try {
    st = statSync(file)
  } catch {
    return 'missing'
  }
  const kind = notRegularKind(st)
  return kind === undefined ? undefined : {kind}
}

export type RegularRead =
  | {ok: true; bytes: Buffer}
  | {ok: false; problem: 'not_regular'; kind: string}
  /** `atLeast`: the file's size if `stat` knows it, else how much was read before stopping. */
  | {ok: false; problem: 'too_large'; atLeast: number}

const CHUNK = 1 << 16

/**
 * The bytes of a regular file of at most `maxBytes` bytes. Devices, FIFOs, sockets and folders
 * are refused without reading (a FIFO is not even opened); at most `maxBytes + 1` bytes are ever
 * read. Errors of the file system (ENOENT, EACCES…) are thrown.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<RegularRead> {
  const before = await stat(file) // follows symlinks
  const kind = notRegularKind(before)
  if (kind !== undefined) return {ok: false, problem: 'not_regular', kind}
  if (before.size > maxBytes) return {ok: false, problem: 'too_large', atLeast: before.size}
  // O_NONBLOCK: should the path become a FIFO between stat and open, opening it cannot block.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const kindNow = notRegularKind(await handle.stat())
    if (kindNow !== undefined) return {ok: false, problem: 'not_regular', kind: kindNow}
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total))
      const {bytesRead} = await handle.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      chunks.push(buf.subarray(0, bytesRead))
      total += bytesRead
      if (total > maxBytes) return {ok: false, problem: 'too_large', atLeast: total}
    }
    return {ok: true, bytes: Buffer.concat(chunks, total)}
  } finally {
    await handle.close()
  }
}
