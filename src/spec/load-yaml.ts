// TRANSITION: moved to src/document/load-yaml.ts; this file goes with the last import rewrite (engine,
// live, broker, service).
export * from '../document/load-yaml.js'
