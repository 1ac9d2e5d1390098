/**
 * `broker.max_volume_share` against bars without volume, said before the run (found by an audit):
 * a file with no volume column, or one of zeros, stores volume 0, and a fill may take at most that
 * share of it, so nothing of that symbol ever filled; the run ended with every order open and a
 * return of 0%, without a word.
 */
import type {Diagnostic} from '../core/errors.js'
import type {Bars} from '../model/bars.js'
import {locateInSpec} from './locate-in-spec.js'

export async function volumeFitWarnings(bars: readonly Bars[], maxVolumeShare: number | undefined, file: string | undefined): Promise<Diagnostic[]> {
  if (!(maxVolumeShare !== undefined && maxVolumeShare > 0)) return []
  const none = bars.filter((b) => b.length > 0 && !hasVolume(b)).map((b) => b.symbol)
  if (none.length === 0) return []
  return [{
    severity: 'warning',
    code: 'broker.no_volume',
    ...(file === undefined ? {} : await locateInSpec(file, '/broker/max_volume_share')),
    message: `${none.join(', ')} ${none.length === 1 ? 'has' : 'have'} no volume (every bar's is 0): with max_volume_share no order on ${none.length === 1 ? 'it' : 'them'} can fill`,
    hint: 'import bars with a volume column, or leave max_volume_share out for these data',
  }]
}

/** Some bar with a volume above 0 (NaN where an aligned symbol has no bar counts as none). */
function hasVolume(b: Bars): boolean {
  for (let i = 0; i < b.length; i++) if (b.volume[i] > 0) return true
  return false
}
