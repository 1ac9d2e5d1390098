/** A sweep through the real CLI on the vector path and, forced, on the engine path: the same ranking and metrics. */
import assert from 'node:assert/strict'
import {parseJson, runCli} from '../helpers/cli.js'

export const ENGINE = {BOTS_SWEEP_PATH: 'engine'}

export function ranking(sweep: any) {
  return sweep.runs.map((r: any) => ({rank: r.rank, index: r.index, params: r.params, metrics: r.metrics}))
}

/** Both sweeps' JSON, once their paths are checked (the vector one for `strategy`) and their rankings found equal. */
export async function bothPaths(args: string[], strategy: 'sma-cross' | 'rules') {
  const [vector, engine] = await Promise.all([runCli([...args, '--json']), runCli([...args, '--json'], {env: ENGINE})])
  assert.equal(vector.code, 0, vector.stderr)
  assert.equal(engine.code, 0, engine.stderr)
  const result = {vector: parseJson(vector), engine: parseJson(engine)}
  // The JSON says which path ran.
  assert.deepEqual(result.vector.path, {kind: 'vector', strategy})
  assert.equal(result.engine.path.kind, 'engine')
  assert.deepEqual(ranking(result.vector), ranking(result.engine))
  return result
}
