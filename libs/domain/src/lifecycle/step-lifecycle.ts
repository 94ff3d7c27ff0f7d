import { SpsStatus } from '../procedure-steps';

/**
 * What can happen to a scheduled procedure step. Orders (from the RIS or an analyst), the
 * modality's performed procedure steps, and check-in at the desk; the edge decides which wire
 * message means which event (HL7 order control codes, MPPS statuses, a REST call).
 */
export const StepEvent = {
  Placed: 'order.placed',
  Changed: 'order.changed',
  /** A change that also says the exam is done (an order control "changed, completed"). */
  ChangedCompleted: 'order.changed-completed',
  Cancelled: 'order.cancelled',
  Discontinued: 'order.discontinued',
  Held: 'order.held',
  Released: 'order.released',
  /** The order's owner reports a status it saw elsewhere (another system started or finished the exam). */
  StatusScheduled: 'order.status-scheduled',
  StatusStarted: 'order.status-started',
  StatusCompleted: 'order.status-completed',
  CheckedIn: 'check-in',
  CheckInUndone: 'check-in.undone',
  PerformedStarted: 'performed.started',
  PerformedCompleted: 'performed.completed',
  /** Discontinued at the modality with nothing acquired. */
  PerformedDiscontinued: 'performed.discontinued',
  /** Discontinued at the modality after some series were acquired: the images exist, so it is read. */
  PerformedPartial: 'performed.discontinued-partial',
} as const;
export type StepEvent = (typeof StepEvent)[keyof typeof StepEvent];

/**
 * One cell of a lifecycle table: go to `to` (the same state is a no-op unless `held` changes),
 * refuse with a reason (the event is illegal here; nothing changes), or ignore with a reason
 * (legal but pointless or stale: nothing changes, the caller may warn or flag it).
 */
export type Transition<S> =
  | { kind: 'to'; to: S; held?: boolean; note?: string }
  | { kind: 'refuse'; reason: string }
  | { kind: 'ignore'; reason: string; flag?: boolean };

const to = <S>(state: S, held?: boolean, note?: string): Transition<S> => ({ kind: 'to', to: state, held, note });
const refuse = <S>(reason: string): Transition<S> => ({ kind: 'refuse', reason });
const ignore = <S>(reason: string, flag = false): Transition<S> => ({ kind: 'ignore', reason, flag });

const S = SpsStatus;
type Row = Partial<Record<SpsStatus, Transition<SpsStatus>>>;

/** The step states every table row must answer (READY is treated as ARRIVED, DEPARTED as COMPLETED). */
export const STEP_STATES: readonly SpsStatus[] = [S.Scheduled, S.Arrived, S.Ready, S.Started, S.Completed, S.Departed, S.Discontinued, S.Canceled];

const PERFORMED = 'already performed';
const CALLED_OFF = 'order was called off';

/**
 * (state, event) → transition for a scheduled procedure step. Data, not code: every pair is
 * answered (a missing cell is refused), and step-lifecycle.spec.ts checks each one. Facts:
 * mpps-and-status.md §5; an MPPS for a called-off step is accepted and flagged, never revives it.
 */
export const STEP_TRANSITIONS: Readonly<Record<StepEvent, Row>> = {
  [StepEvent.Placed]: { [S.Scheduled]: to(S.Scheduled) },
  [StepEvent.Changed]: {
    [S.Scheduled]: to(S.Scheduled), [S.Arrived]: to(S.Arrived), [S.Ready]: to(S.Ready), [S.Started]: to(S.Started),
    [S.Completed]: to(S.Completed), [S.Departed]: to(S.Departed),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.ChangedCompleted]: {
    [S.Scheduled]: to(S.Completed), [S.Arrived]: to(S.Completed), [S.Ready]: to(S.Completed), [S.Started]: to(S.Completed),
    [S.Completed]: to(S.Completed), [S.Departed]: to(S.Departed),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.Cancelled]: {
    [S.Scheduled]: to(S.Canceled, false), [S.Arrived]: to(S.Canceled, false), [S.Ready]: to(S.Canceled, false),
    [S.Canceled]: ignore('already cancelled'),
    // images may exist: a cancel of an exam under way discontinues it, keeping what was acquired
    [S.Started]: to(S.Discontinued, false, 'cancelled in progress'), [S.Completed]: refuse(PERFORMED), [S.Departed]: refuse(PERFORMED),
    [S.Discontinued]: ignore('already discontinued'),
  },
  [StepEvent.Discontinued]: {
    [S.Scheduled]: to(S.Discontinued, false), [S.Arrived]: to(S.Discontinued, false), [S.Ready]: to(S.Discontinued, false),
    [S.Started]: to(S.Discontinued, false),
    [S.Discontinued]: ignore('already discontinued'), [S.Canceled]: ignore('already cancelled'),
    [S.Completed]: refuse(PERFORMED), [S.Departed]: refuse(PERFORMED),
  },
  [StepEvent.Held]: {
    [S.Scheduled]: to(S.Scheduled, true), [S.Arrived]: to(S.Arrived, true), [S.Ready]: to(S.Ready, true), [S.Started]: to(S.Started, true),
    [S.Completed]: ignore('finished'), [S.Departed]: ignore('finished'), [S.Discontinued]: ignore('finished'), [S.Canceled]: ignore('finished'),
  },
  [StepEvent.Released]: {
    [S.Scheduled]: to(S.Scheduled, false), [S.Arrived]: to(S.Arrived, false), [S.Ready]: to(S.Ready, false), [S.Started]: to(S.Started, false),
    [S.Completed]: ignore('finished'), [S.Departed]: ignore('finished'), [S.Discontinued]: ignore('finished'), [S.Canceled]: ignore('finished'),
  },
  [StepEvent.StatusScheduled]: {
    [S.Scheduled]: to(S.Scheduled), [S.Arrived]: to(S.Scheduled), [S.Ready]: to(S.Scheduled),
    [S.Started]: refuse('exam in progress'), [S.Completed]: refuse(PERFORMED), [S.Departed]: refuse(PERFORMED),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.StatusStarted]: {
    [S.Scheduled]: to(S.Started), [S.Arrived]: to(S.Started), [S.Ready]: to(S.Started), [S.Started]: to(S.Started),
    [S.Completed]: refuse(PERFORMED), [S.Departed]: refuse(PERFORMED),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.StatusCompleted]: {
    [S.Scheduled]: to(S.Completed), [S.Arrived]: to(S.Completed), [S.Ready]: to(S.Completed), [S.Started]: to(S.Completed),
    [S.Completed]: to(S.Completed), [S.Departed]: to(S.Departed),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.CheckedIn]: {
    [S.Scheduled]: to(S.Arrived), [S.Arrived]: ignore('already checked in'), [S.Ready]: ignore('already checked in'),
    [S.Started]: ignore('exam already started'), [S.Completed]: refuse(PERFORMED), [S.Departed]: refuse(PERFORMED),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.CheckInUndone]: {
    [S.Arrived]: to(S.Scheduled), [S.Ready]: to(S.Scheduled), [S.Scheduled]: ignore('not checked in'),
    [S.Started]: refuse('exam in progress'), [S.Completed]: refuse(PERFORMED), [S.Departed]: refuse(PERFORMED),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.PerformedStarted]: {
    [S.Scheduled]: to(S.Started), [S.Arrived]: to(S.Started), [S.Ready]: to(S.Started),
    // the append case: another performed step for a step under way, or re-started after it was done
    [S.Started]: to(S.Started), [S.Completed]: to(S.Started, undefined, 'restarted'), [S.Departed]: to(S.Started, undefined, 'restarted'),
    [S.Canceled]: ignore('acquired for a cancelled order', true), [S.Discontinued]: ignore('acquired for a discontinued order', true),
  },
  [StepEvent.PerformedCompleted]: {
    [S.Started]: to(S.Completed), [S.Completed]: to(S.Completed), [S.Departed]: to(S.Departed),
    // reached only when the performed step was linked before the order moved on: it is final there
    [S.Scheduled]: to(S.Completed), [S.Arrived]: to(S.Completed), [S.Ready]: to(S.Completed),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
  [StepEvent.PerformedDiscontinued]: {
    [S.Started]: to(S.Discontinued), [S.Scheduled]: to(S.Discontinued), [S.Arrived]: to(S.Discontinued), [S.Ready]: to(S.Discontinued),
    [S.Completed]: ignore('completed by another performed step'), [S.Departed]: ignore('completed by another performed step'),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: ignore('already discontinued'),
  },
  [StepEvent.PerformedPartial]: {
    [S.Started]: to(S.Completed, undefined, 'partial'), [S.Scheduled]: to(S.Completed, undefined, 'partial'),
    [S.Arrived]: to(S.Completed, undefined, 'partial'), [S.Ready]: to(S.Completed, undefined, 'partial'),
    [S.Completed]: to(S.Completed), [S.Departed]: to(S.Departed),
    [S.Canceled]: refuse(CALLED_OFF), [S.Discontinued]: refuse(CALLED_OFF),
  },
};

/** The table's answer for a step in `state` meeting `event`; a pair the table does not list is refused. */
export function stepTransition(state: SpsStatus, event: StepEvent): Transition<SpsStatus> {
  return STEP_TRANSITIONS[event]?.[state] ?? refuse(`not allowed from ${state}`);
}
