/** Specs that name a file: imported on first use, and again only when the file (or how it is read) changed. */
import assert from 'node:assert/strict'
import {readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {ensureFileData} from '../../src/data/ensure-file-data.js'
import {loadBars} from '../../src/data/load-bars.js'
import {fileSeries} from '../../src/data/file-series.js'
import type {DataSpec} from '../../src/model/bot-spec.js'
import {tempDir} from '../helpers/tmp.js'
import {DAY, freshStore} from './helpers.js'

describe('ensureFileData', async () => {
  const {store} = await freshStore()
  const file = path.join(tempDir(), 'idx.csv')
  const lines = readFileSync(DAY, 'utf8').trimEnd().split('\n')
  writeFileSync(file, lines.join('\n') + '\n')
  const spec: DataSpec = {source: 'file', files: {IDX: file}, timeLabel: 'open'}
  const imports = async () => Number((await store.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM imports')).getRowObjectsJS()[0].n)

  it('imports the file on first use', async () => {
    const [r] = await ensureFileData(store, spec, ['IDX'], '1D', 'UTC')
    assert.deepEqual([r.symbol, r.file, r.action, r.import?.new], ['IDX', file, 'imported', 255])
    assert.equal((await loadBars(store, {symbol: 'IDX', series: fileSeries('IDX', file), timeframe: '1D'})).length, 255)
  })

  it('does nothing when the file has not changed', async () => {
    const [r] = await ensureFileData(store, spec, ['IDX'], '1D', 'UTC')
    assert.equal(r.action, 'unchanged')
    assert.equal(await imports(), 1)
  })

  it('a new mtime with the same bytes is not a change (the log takes the new mtime)', async () => {
    const later = new Date(Date.now() + 60_000)
    utimesSync(file, later, later)
    const [r] = await ensureFileData(store, spec, ['IDX'], '1D', 'UTC')
    assert.equal(r.action, 'unchanged')
    const logged = (await store.conn.runAndReadAll('SELECT mtime_ms FROM imports')).getRowObjectsJS()[0].mtime_ms
    assert.equal(logged, statSync(file).mtimeMs)
  })

  it('a changed file is imported again and replaces the series, dropping bars it no longer has', async () => {
    const fewer = lines.slice(0, 201) // header + 200 rows
    fewer[1] = fewer[1].replace('3604.33', '3604.5')
    writeFileSync(file, fewer.join('\n') + '\n')
    const [r] = await ensureFileData(store, spec, ['IDX'], '1D', 'UTC')
    assert.equal(r.action, 'imported')
    assert.equal(r.import?.removed, 55)
    const b = await loadBars(store, {symbol: 'IDX', series: fileSeries('IDX', file), timeframe: '1D'})
    assert.deepEqual([b.length, b.close[0]], [200, 3604.5])
  })

  it('a change in how the file is read (time zone) also means a new import', async () => {
    const [r] = await ensureFileData(store, {...spec, timezone: 'America/New_York'}, ['IDX'], '1D', 'UTC')
    assert.equal(r.action, 'imported')
    const b = await loadBars(store, {symbol: 'IDX', series: fileSeries('IDX', file), timeframe: '1D'})
    assert.equal(new Date(b.time[0]).toISOString(), '2006-01-02T05:00:00.000Z')
    assert.equal(b.length, 200)
  })

  it('store-sourced specs need nothing; a symbol without a file is an error', async () => {
    assert.deepEqual(await ensureFileData(store, {source: 'store'}, ['IDX'], '1D', 'UTC'), [])
    await assert.rejects(ensureFileData(store, spec, ['IDX', 'OTHER'], '1D', 'UTC'), (e: unknown) => e instanceof BotsError && /no file for OTHER/.test(e.message))
  })
})
