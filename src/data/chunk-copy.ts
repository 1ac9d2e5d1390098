/**
 * Copy DOUBLE columns of a streamed DuckDB result straight into Float64Arrays: one memcpy-like
 * `set` per column per chunk (2048 rows), no JS value per cell. This is what makes loading a
 * million bars take tens of milliseconds instead of a second (see DEPS.md).
 *
 * The query must select only DOUBLE columns with no NULLs (a NULL's bytes are undefined):
 * coalesce to 'NaN' where a value may be missing.
 */
import duckdb from '@duckdb/node-bindings'
import type {DuckDBDataChunk, DuckDBResult} from '@duckdb/node-api'
import {CHUNKS_PER_RELEASE, releaseChunks} from './release-chunks.js'

/** Append every chunk of `result` into `columns` (one array per selected column) from `offset`; returns the row count. */
export async function copyDoubleChunks(
  result: DuckDBResult,
  columns: Float64Array[],
  offset = 0,
  onChunk?: (from: number, to: number, chunk: DuckDBDataChunk) => void,
): Promise<number> {
  let at = offset
  let chunks = 0
  // Fetching the next chunk before copying this one was measured slower, not faster.
  for (;;) {
    const chunk: DuckDBDataChunk | null = await result.fetchChunk()
    if (!chunk || chunk.rowCount === 0) break
    const n = chunk.rowCount
    if (at + n > columns[0].length) throw new Error(`bug: result has more rows than the ${columns[0].length} counted`)
    for (let c = 0; c < columns.length; c++) {
      columns[c].set(chunkDoubles(chunk, c, n), at)
    }
    onChunk?.(at, at + n, chunk)
    at += n
    if (++chunks % CHUNKS_PER_RELEASE === 0) await releaseChunks()
  }
  return at - offset
}

/** A DOUBLE column of a chunk as a Float64Array over its bytes (no JS value per cell); no NULLs. */
export function chunkDoubles(chunk: DuckDBDataChunk, column: number, n: number): Float64Array {
  const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, column), n * 8)
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, n)
  return new Float64Array(bytes.slice().buffer, 0, n) // unaligned: one extra copy
}
