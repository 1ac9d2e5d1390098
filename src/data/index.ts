/**
 * The market-data module: the DuckDB store, checked imports, resampling, and fast loading of
 * bars as columns. Everything here works without oclif; the command-line glue is in src/cli/.
 *
 * Conventions: a bar's time is its OPEN time; the store keeps it as UTC, the engine gets epoch
 * ms; timeframes are canonical text from `formatDuration` (`1M`, `5M`, `1H`, `1D`).
 */
export {openStore, closeStore, withStore, withConnection, inTransaction} from './store.js'
export type {Store, OpenStoreOptions} from './store.js'
export {resolveStorePath, DEFAULT_STORE_FILE} from './store-path.js'
export {registerMigrations, registeredMigrations, migrate, schemaVersion} from './migrations.js'
export type {Migration} from './migrations.js'
export {importFiles} from './import.js'
export type {ImportOptions, ImportResult, FileImportResult, ImportProgress, OnError} from './import-types.js'
export type {Rejection} from './rejections.js'
export type {Rule} from './stage.js'
export {loadBars} from './load-bars.js'
export type {LoadBarsQuery} from './load-bars.js'
export {loadAlignedBars} from './load-aligned-bars.js'
export type {AlignedBars, AlignedBarsQuery} from './load-aligned-bars.js'
export {resampleBars} from './resample.js'
export type {ResampleOptions, ResampleResult} from './resample.js'
export {ensureFileData} from './ensure-file-data.js'
export type {EnsureResult} from './ensure-file-data.js'
export {listSeries, removeSeries} from './catalog.js'
export type {SeriesSummary, RemoveResult} from './catalog.js'
export {showSeries} from './show.js'
export type {SeriesDetail, BarRow} from './show.js'
export {toTimeframe} from './timeframe.js'
export type {Timeframe} from './timeframe.js'
