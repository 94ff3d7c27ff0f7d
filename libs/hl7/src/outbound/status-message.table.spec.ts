import { STEP_STATES, SpsStatus, StepEvent, stepTransition } from '@radflow/domain';
import { STATUS_MESSAGES, statusMessageFor } from './status-message.table';

/**
 * The review copy of the status table: for every event and every state a step can move to, what
 * the RIS is sent when the change came over HL7 (the RIS itself) / from anywhere else.
 * `-` nothing, `SC/IP` ORC-1 SC with ORC-5 IP, and so on.
 */
const COLUMNS = ['SCHEDULED', 'ARRIVED', 'READY', 'STARTED', 'COMPLETED', 'DEPARTED', 'DISCONTINUED', 'CANCELED'] as const;
const ___ = '-/-';
const EXPECTED: Record<StepEvent, readonly string[]> = {
  //                                 SCHEDULED ARRIVED READY STARTED      COMPLETED    DEPARTED DISCONTINUED CANCELED
  [StepEvent.Placed]:               [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.Changed]:              [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.ChangedCompleted]:     [___,     ___,    ___,  ___,         '-/SC/CM',   ___,     ___,         ___],
  [StepEvent.Cancelled]:            [___,     ___,    ___,  ___,         ___,         ___,     '-/SC/DC',   '-/OC/CA'],
  [StepEvent.Discontinued]:         [___,     ___,    ___,  ___,         ___,         ___,     '-/SC/DC',   ___],
  [StepEvent.Held]:                 [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.Released]:             [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.StatusScheduled]:      [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.StatusStarted]:        [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.StatusCompleted]:      [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.CheckedIn]:            [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.CheckInUndone]:        [___,     ___,    ___,  ___,         ___,         ___,     ___,         ___],
  [StepEvent.PerformedStarted]:     [___,     ___,    ___,  'SC/IP/SC/IP', ___,       ___,     ___,         ___],
  [StepEvent.PerformedCompleted]:   [___,     ___,    ___,  ___,         'SC/CM/SC/CM', ___,   ___,         ___],
  [StepEvent.PerformedDiscontinued]: [___,    ___,    ___,  ___,         ___,         ___,     'SC/DC/SC/DC', ___],
  [StepEvent.PerformedPartial]:     [___,     ___,    ___,  ___,         'SC/CM/SC/CM', ___,   ___,         ___],
};

function render(event: StepEvent, to: SpsStatus): string {
  const one = (source: 'hl7' | 'user') => {
    const codes = statusMessageFor(event, to, source);
    return codes ? `${codes.orderControl}/${codes.orderStatus}` : '-';
  };
  return `${one('hl7')}/${one('user')}`;
}

describe('status message table', () => {
  it('answers every step event and state', () => {
    expect([...STEP_STATES]).toEqual([...COLUMNS]);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(StepEvent).sort());
    expect(Object.keys(STATUS_MESSAGES).sort()).toEqual(Object.values(StepEvent).sort());
  });

  const pairs = Object.values(StepEvent).flatMap((event) => COLUMNS.map((state, i) => [event, state, EXPECTED[event][i]] as const));
  it.each(pairs)('%s to %s sends (from the RIS / from elsewhere) %s', (event, to, expected) => {
    expect(render(event, to)).toBe(expected);
  });

  it('sends the same for a change from a modality, a user, the system or an import', () => {
    for (const event of Object.values(StepEvent)) {
      for (const to of COLUMNS) {
        const user = statusMessageFor(event, to, 'user');
        for (const kind of ['dicom', 'system', 'import'] as const) expect(statusMessageFor(event, to, kind)).toEqual(user);
      }
    }
  });

  it('lists only transitions the step table can make: each cell is reached from some other state', () => {
    for (const [event, row] of Object.entries(STATUS_MESSAGES) as [StepEvent, Record<string, unknown>][]) {
      for (const to of Object.keys(row) as SpsStatus[]) {
        const reachable = STEP_STATES.some((from) => {
          const t = stepTransition(from, event);
          return from !== to && t.kind === 'to' && t.to === to;
        });
        expect({ event, to, reachable }).toEqual({ event, to, reachable: true });
      }
    }
  });

  it('never answers the RIS about its own status reports', () => {
    for (const event of [StepEvent.StatusScheduled, StepEvent.StatusStarted, StepEvent.StatusCompleted]) {
      for (const to of COLUMNS) for (const kind of ['hl7', 'user'] as const) expect(statusMessageFor(event, to, kind)).toBeNull();
    }
  });
});
