/**
 * `bots validate FOLDER` finds specs whatever the case of their extension: `A.YAML` was skipped
 * from a folder (though checked when named), so a CI run could pass without validating it (found
 * by an audit).
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {collectSpecFiles} from '../../src/spec/collect-files.js'
import {tempDir} from '../helpers/tmp.js'

it('a folder gives its .yaml and .yml files in any case, hidden folders and node_modules skipped', async () => {
  const dir = tempDir('bots-collect-')
  for (const f of ['A.YAML', 'b.yml', 'c.Yml', 'd.txt', '.hidden/e.yaml', 'node_modules/f.yaml']) {
    mkdirSync(path.dirname(path.join(dir, f)), {recursive: true})
    writeFileSync(path.join(dir, f), 'name: x\n')
  }
  const {files, missing} = await collectSpecFiles([dir])
  assert.deepEqual(files.map((f) => path.relative(dir, f)), ['A.YAML', 'b.yml', 'c.Yml'])
  assert.deepEqual(missing, [])
})
