import { SpsStatus } from '../procedure-steps';
import { STEP_STATES, STEP_TRANSITIONS, StepEvent, stepTransition } from './step-lifecycle';

/**
 * The review copy of the step table: every (state, event) pair written out again, so a change to
 * the table is a change to this spec too. `→X` goes to X (held: `+held` / `-held`), `=` changes
 * nothing and is no error, `ignore` changes nothing (flag: `flag`), `refuse` is an error.
 */
const COLUMNS = ['SCHEDULED', 'ARRIVED', 'READY', 'STARTED', 'COMPLETED', 'DEPARTED', 'DISCONTINUED', 'CANCELED'] as const;
const EXPECTED: Record<StepEvent, readonly string[]> = {
  //                                 SCHEDULED     ARRIVED       READY         STARTED          COMPLETED     DEPARTED      DISCONTINUED  CANCELED
  [StepEvent.Placed]:               ['=',          'refuse',     'refuse',     'refuse',        'refuse',     'refuse',     'refuse',     'refuse'],
  [StepEvent.Changed]:              ['=',          '=',          '=',          '=',             '=',          '=',          'refuse',     'refuse'],
  [StepEvent.ChangedCompleted]:     ['→COMPLETED', '→COMPLETED', '→COMPLETED', '→COMPLETED',    '=',          '=',          'refuse',     'refuse'],
  [StepEvent.Cancelled]:            ['→CANCELED',  '→CANCELED',  '→CANCELED',  '→DISCONTINUED', 'refuse',     'refuse',     'ignore',     'ignore'],
  [StepEvent.Discontinued]:         ['→DISCONTINUED', '→DISCONTINUED', '→DISCONTINUED', '→DISCONTINUED', 'refuse', 'refuse', 'ignore', 'ignore'],
  [StepEvent.Held]:                 ['+held',      '+held',      '+held',      '+held',         'ignore',     'ignore',     'ignore',     'ignore'],
  [StepEvent.Released]:             ['-held',      '-held',      '-held',      '-held',         'ignore',     'ignore',     'ignore',     'ignore'],
  [StepEvent.StatusScheduled]:      ['=',          '→SCHEDULED', '→SCHEDULED', 'refuse',        'refuse',     'refuse',     'refuse',     'refuse'],
  [StepEvent.StatusStarted]:        ['→STARTED',   '→STARTED',   '→STARTED',   '=',             'refuse',     'refuse',     'refuse',     'refuse'],
  [StepEvent.StatusCompleted]:      ['→COMPLETED', '→COMPLETED', '→COMPLETED', '→COMPLETED',    '=',          '=',          'refuse',     'refuse'],
  [StepEvent.CheckedIn]:            ['→ARRIVED',   'ignore',     'ignore',     'ignore',        'refuse',     'refuse',     'refuse',     'refuse'],
  [StepEvent.CheckInUndone]:        ['ignore',     '→SCHEDULED', '→SCHEDULED', 'refuse',        'refuse',     'refuse',     'refuse',     'refuse'],
  [StepEvent.PerformedStarted]:     ['→STARTED',   '→STARTED',   '→STARTED',   '=',             '→STARTED',   '→STARTED',   'flag',       'flag'],
  [StepEvent.PerformedCompleted]:   ['→COMPLETED', '→COMPLETED', '→COMPLETED', '→COMPLETED',    '=',          '=',          'refuse',     'refuse'],
  [StepEvent.PerformedDiscontinued]: ['→DISCONTINUED', '→DISCONTINUED', '→DISCONTINUED', '→DISCONTINUED', 'ignore', 'ignore', 'ignore', 'refuse'],
  [StepEvent.PerformedPartial]:     ['→COMPLETED', '→COMPLETED', '→COMPLETED', '→COMPLETED',    '=',          '=',          'refuse',     'refuse'],
};

function render(state: SpsStatus, event: StepEvent): string {
  const t = stepTransition(state, event);
  if (t.kind === 'refuse') return 'refuse';
  if (t.kind === 'ignore') return t.flag ? 'flag' : 'ignore';
  if (t.held === true && t.to === state) return '+held';
  if (t.held === false && t.to === state) return '-held';
  return t.to === state ? '=' : `→${t.to}`;
}

describe('procedure step lifecycle table', () => {
  it('answers the states the spec lists, and no others', () => {
    expect([...STEP_STATES]).toEqual([...COLUMNS]);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(StepEvent).sort());
  });

  const pairs = Object.values(StepEvent).flatMap((event) => COLUMNS.map((state, i) => [event, state, EXPECTED[event][i]] as const));
  it.each(pairs)('%s in %s: %s', (event, state, expected) => {
    expect(render(state, event)).toBe(expected);
  });

  it('gives every refusal and every ignore a reason', () => {
    for (const row of Object.values(STEP_TRANSITIONS)) {
      for (const t of Object.values(row)) if (t && t.kind !== 'to') expect(t.reason.length).toBeGreaterThan(3);
    }
  });
});
