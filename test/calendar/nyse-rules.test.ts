import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {EARLY, EARLY_2PM, FULL, hoursOn} from './nyse-helpers.js'

function expectDays(cases: Record<string, string>): void {
  for (const [date, expected] of Object.entries(cases)) assert.equal(hoursOn(date), expected, date)
}

describe('NYSE holidays and their weekend observance', () => {
  it("New Year's Day: Sunday → Monday; a Saturday one is not moved to Friday Dec 31", () => {
    expectDays({
      '2024-01-01': 'closed',
      '2012-01-02': 'closed', // Jan 1 was a Sunday
      '2012-01-03': FULL,
      '2023-01-02': 'closed',
      '2021-12-31': FULL, // Jan 1 2022 was a Saturday
      '2010-12-31': FULL,
      '2004-12-31': FULL,
      '2022-01-03': FULL,
    })
  })

  it('Martin Luther King Jr. Day from 1998 only', () => {
    expectDays({'1997-01-20': FULL, '1998-01-19': 'closed', '2024-01-15': 'closed', '2025-01-20': 'closed'})
  })

  it("Washington's Birthday (third Monday of February)", () => {
    expectDays({'1990-02-19': 'closed', '2024-02-19': 'closed', '2024-02-12': FULL, '2026-02-16': 'closed'})
  })

  it('Good Friday from the Easter computus; the Thursday before is a full day', () => {
    expectDays({'2008-03-21': 'closed', '2024-03-29': 'closed', '2024-03-28': FULL, '2019-04-19': 'closed', '2025-04-18': 'closed', '2038-04-23': 'closed'})
  })

  it('Memorial Day (last Monday of May, even on the 31st) and Labor Day (first Monday of September)', () => {
    expectDays({'2021-05-31': 'closed', '2021-05-24': FULL, '2024-05-27': 'closed', '2020-09-07': 'closed', '2024-09-02': 'closed'})
  })

  it('Juneteenth from 2022 with Saturday → Friday and Sunday → Monday', () => {
    expectDays({
      '2021-06-18': FULL,
      '2020-06-19': FULL,
      '2022-06-20': 'closed', // Sunday
      '2022-06-17': FULL,
      '2023-06-19': 'closed',
      '2027-06-18': 'closed', // Saturday
      '2027-06-21': FULL,
    })
  })

  it('Independence Day with Saturday → Friday and Sunday → Monday', () => {
    expectDays({'2020-07-03': 'closed', '2015-07-03': 'closed', '2021-07-05': 'closed', '2024-07-04': 'closed', '2021-07-02': FULL})
  })

  it('Thanksgiving is the fourth Thursday, not the last', () => {
    expectDays({'2005-11-24': 'closed', '2006-11-23': 'closed', '2006-11-30': FULL})
  })

  it('Christmas with Saturday → Friday and Sunday → Monday', () => {
    expectDays({'2021-12-24': 'closed', '2010-12-24': 'closed', '2022-12-26': 'closed', '2016-12-26': 'closed', '2024-12-25': 'closed'})
  })
})

describe('NYSE early closes', () => {
  it('July 3 on a Monday, Tuesday or Thursday, from 1995', () => {
    expectDays({'1995-07-03': EARLY, '2017-07-03': EARLY, '2018-07-03': EARLY, '2008-07-03': EARLY, '1990-07-03': FULL, '1992-07-02': FULL})
  })

  it('July 4 on a Thursday: early close Friday July 5 until 2012, Wednesday July 3 since 2013', () => {
    expectDays({
      '1996-07-05': EARLY,
      '2002-07-03': FULL,
      '2002-07-05': EARLY,
      '2013-07-03': EARLY,
      '2013-07-05': FULL,
      '2019-07-03': EARLY,
      '2024-07-03': EARLY,
      '2024-07-05': FULL,
    })
  })

  it('no early close on Thursday July 2 when Friday July 3 is the observed holiday', () => {
    expectDays({'2015-07-02': FULL, '2020-07-02': FULL, '2026-07-02': FULL})
  })

  it('day after Thanksgiving from 1992 (14:00 in 1992, 13:00 since)', () => {
    expectDays({'1991-11-29': FULL, '1992-11-27': EARLY_2PM, '1993-11-26': EARLY, '2013-11-29': EARLY, '2024-11-29': EARLY})
  })

  it('Christmas Eve Monday to Thursday (14:00 before 1993), not when it is the observed holiday', () => {
    expectDays({
      '1990-12-24': EARLY_2PM,
      '1991-12-24': EARLY_2PM,
      '1996-12-24': EARLY,
      '2001-12-24': EARLY,
      '2025-12-24': EARLY,
      '2021-12-23': FULL, // Friday Dec 24 was the holiday
      '2004-12-23': FULL,
    })
  })

  it('one-off early closes, and the Dec 26ths that stayed full days', () => {
    expectDays({'1997-12-26': EARLY, '1999-12-31': EARLY, '2003-12-26': EARLY, '2008-12-26': FULL, '2014-12-26': FULL, '2025-12-26': FULL})
  })
})

describe('NYSE special closures', () => {
  it('closes for days of mourning, September 11 and Hurricane Sandy', () => {
    for (const d of ['1994-04-27', '2001-09-11', '2001-09-12', '2001-09-13', '2001-09-14', '2004-06-11', '2007-01-02', '2012-10-29', '2012-10-30', '2018-12-05', '2025-01-09']) {
      assert.equal(hoursOn(d), 'closed', d)
    }
    expectDays({'2001-09-10': FULL, '2001-09-17': FULL, '2012-10-31': FULL, '2025-01-08': FULL, '2025-01-10': FULL})
  })

  it('weekends are closed', () => {
    expectDays({'2024-06-15': 'closed', '2024-06-16': 'closed', '2024-06-14': FULL})
  })
})
