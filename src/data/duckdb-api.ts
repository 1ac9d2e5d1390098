/**
 * The DuckDB client, loaded with `require`. It is a CommonJS package whose index re-exports some
 * sixty files; an ESM `import` of it makes Node pre-parse every one of them for named exports
 * (cjs-module-lexer), about 60 ms of every start-up that opens a store. `require` skips that pass.
 * Import the client's values from here; its types may still come from '@duckdb/node-api'.
 */
import {createRequire} from 'node:module'

type Api = typeof import('@duckdb/node-api')

const api = createRequire(import.meta.url)('@duckdb/node-api') as Api

export const {DuckDBInstance, DuckDBDataChunk, DuckDBTimestampValue, BIGINT, DOUBLE, INTEGER, TIMESTAMP, VARCHAR} = api
