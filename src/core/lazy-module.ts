/**
 * A module imported when first asked for instead of at start-up. While `bots backtest` streams
 * its bars from DuckDB, its main thread mostly waits for the next chunk; the modules it needs
 * only after that (the engine, the metrics, the recording, the report: some 80 of the 160 files
 * it loads) load in those waits when `start()` is called as the load begins. As static imports
 * they loaded before the store even started opening: the bars' load began ~60 ms later.
 */
export interface LazyModule<T> {
  /** The module (loaded once; later calls return the same promise). */
  (): Promise<T>
  /** Begin loading now without waiting; a failure surfaces where the module is awaited. */
  start(): void
}

export function lazyModule<T>(load: () => Promise<T>): LazyModule<T> {
  let loading: Promise<T> | undefined
  const get = () => (loading ??= load())
  return Object.assign(get, {start: () => void get().catch(() => {})})
}
