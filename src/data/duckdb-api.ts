/**
 * The DuckDB client, loaded with `require`, from its bundle when the build made one (vendor.ts).
 * It is a CommonJS package whose index re-exports some sixty files; an ESM `import` of it makes
 * Node pre-parse every one of them for named exports (cjs-module-lexer), about 60 ms of every
 * start-up that opens a store. `require` skips that pass, and the bundle the 186 files' lookups.
 * Import the client's values from here; its types may still come from '@duckdb/node-api'.
 */
import {requireVendored} from '../core/vendor.js'

type Api = typeof import('@duckdb/node-api')

const api = requireVendored<Api>('@duckdb/node-api')

export const {DuckDBInstance, DuckDBDataChunk, DuckDBTimestampValue, BIGINT, DOUBLE, INTEGER, TIMESTAMP, VARCHAR} = api
