import { SpsStatus } from '../procedure-steps';
import { deriveStudyState, STUDY_STATES, StudyEvent, StudyState, studyTransition } from './study-lifecycle';

/** The review copy of the study table (see step-lifecycle.spec.ts for the notation); `+` = moves with a note, `flag` = ignored with a flag row. */
const COLUMNS = ['scheduled', 'arrived', 'in_progress', 'on_hold', 'completed', 'being_read', 'preliminary', 'final', 'corrected', 'discontinued', 'cancelled'] as const;
type ReadingEvent = Exclude<StudyEvent, typeof StudyEvent.StepsChanged>;
const EXPECTED: Record<ReadingEvent, readonly string[]> = {
  //                               scheduled        arrived          in_progress      on_hold          completed        being_read       preliminary      final      corrected    discontinued cancelled
  [StudyEvent.ReadingClaimed]:    ['refuse',        'refuse',        'refuse',        'refuse',        '→being_read',   '=',             '=',             '=',       '=',         'refuse',    'refuse'],
  [StudyEvent.ReadingReleased]:   ['ignore',        'ignore',        'ignore',        'ignore',        'ignore',        '→completed',    '=',             '=',       '=',         'ignore',    'ignore'],
  [StudyEvent.ReportPreliminary]: ['→preliminary+', '→preliminary+', '→preliminary+', '→preliminary+', '→preliminary',  '→preliminary',  '=',             'flag',    'flag',      'refuse',    'refuse'],
  [StudyEvent.ReportFinal]:       ['→final+',       '→final+',       '→final+',       '→final+',       '→final',        '→final',        '→final',        '=',       '=',         'refuse',    'refuse'],
  [StudyEvent.ReportCorrected]:   ['→corrected+',   '→corrected+',   '→corrected+',   '→corrected+',   '→corrected+',   '→corrected+',   '→corrected+',   '→corrected', '=',      'refuse',    'refuse'],
};

function render(state: StudyState, event: ReadingEvent): string {
  const t = studyTransition(state, event);
  if (t.kind === 'ignore' && t.flag) return 'flag';
  if (t.kind !== 'to') return t.kind;
  if (t.to === state) return '=';
  return `→${t.to}${t.note ? '+' : ''}`;
}

describe('study lifecycle table', () => {
  it('answers every study state', () => {
    expect([...STUDY_STATES]).toEqual([...COLUMNS]);
  });

  const events = Object.keys(EXPECTED) as ReadingEvent[];
  const pairs = events.flatMap((event) => COLUMNS.map((state, i) => [event, state, EXPECTED[event][i]] as const));
  it.each(pairs)('%s in %s: %s', (event, state, expected) => {
    expect(render(state, event)).toBe(expected);
  });
});

describe('deriveStudyState (a study follows its steps until it is read)', () => {
  const s = (status: SpsStatus, held = false) => ({ status, held });
  const { Scheduled, Arrived, Started, Completed, Canceled, Discontinued } = SpsStatus;
  it.each([
    ['no steps', [], 'scheduled'],
    ['one scheduled', [s(Scheduled)], 'scheduled'],
    ['one arrived', [s(Arrived)], 'arrived'],
    ['all waiting steps held', [s(Scheduled, true), s(Arrived, true)], 'on_hold'],
    ['one of two held', [s(Scheduled, true), s(Scheduled)], 'scheduled'],
    ['one started', [s(Scheduled), s(Started)], 'in_progress'],
    ['one of two done (group not finished)', [s(Completed), s(Scheduled)], 'in_progress'],
    ['all done', [s(Completed), s(Completed)], 'completed'],
    ['done and one called off', [s(Completed), s(Canceled)], 'completed'],
    ['all cancelled', [s(Canceled), s(Canceled)], 'cancelled'],
    ['cancelled and discontinued', [s(Canceled), s(Discontinued)], 'discontinued'],
  ] as const)('%s → %s', (_, steps, expected) => {
    expect(deriveStudyState(steps)).toBe(expected);
  });
});
