/**
 * The same daily file imported in UTC and then with --tz America/New_York: its times have no
 * offset, so the second import's bars sit five hours from the first's and both stay (two bars a
 * day). That merge is allowed (a file may hold other bars) but no longer silent: the result warns,
 * naming both zones and the way out. Found by an audit.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {closeStore} from '../../src/data/store.js'
import {freshStore} from './helpers.js'

const DAILY = 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,100\n2024-01-04,11,11.5,10,10.2,100\n'

async function twice(second: {timezone?: string; replace?: boolean}) {
  const {store, dir} = await freshStore()
  const file = path.join(dir, 'd.csv')
  writeFileSync(file, DAILY)
  try {
    const first = await importFiles(store, [file], {symbol: 'D'})
    const again = await importFiles(store, [file], {symbol: 'D', ...second})
    const n = (await store.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM bars WHERE symbol = $s', {s: 'D'})).getRowObjectsJS()[0].n
    return {first, again, stored: n}
  } finally {
    await closeStore(store)
  }
}

describe('an import in another zone than the series\' earlier ones', () => {
  it('adds its shifted bars beside the stored ones and says so, naming both zones and the way out', async () => {
    const {first, again, stored} = await twice({timezone: 'America/New_York'})
    assert.deepEqual(first.warnings, [])
    assert.equal(again.new, 3)
    assert.equal(stored, 6, 'both sets stay: the warning is about this')
    assert.equal(again.warnings.length, 1)
    assert.match(again.warnings[0], /^D 1D was imported in UTC before and this import read its times in America\/New_York: 3 bars were added/)
    assert.match(again.warnings[0], /--tz, or with --replace/)
  })

  it('the same zone again, or --replace: no warning', async () => {
    const same = await twice({})
    assert.deepEqual([same.again.new, same.again.replaced, same.stored, same.again.warnings], [0, 3, 3, []])
    const replaced = await twice({timezone: 'America/New_York', replace: true})
    assert.deepEqual([replaced.stored, replaced.again.warnings], [3, []])
  })
})
