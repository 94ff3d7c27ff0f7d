import { SpsStatus } from '../procedure-steps';
import { Transition } from './step-lifecycle';

/** The lifecycle of a study (one requested procedure) as the department, the RIS and the readers see it. */
export const StudyState = {
  Scheduled: 'scheduled',
  Arrived: 'arrived',
  InProgress: 'in_progress',
  OnHold: 'on_hold',
  Completed: 'completed',
  BeingRead: 'being_read',
  Preliminary: 'preliminary',
  Final: 'final',
  Corrected: 'corrected',
  Discontinued: 'discontinued',
  Cancelled: 'cancelled',
} as const;
export type StudyState = (typeof StudyState)[keyof typeof StudyState];

export const STUDY_STATES: readonly StudyState[] = Object.values(StudyState);

/** Until a reader takes it, a study's state follows its steps; after that, only reading and reports move it. */
export const ACQUISITION_STATES: ReadonlySet<StudyState> = new Set([
  StudyState.Scheduled, StudyState.Arrived, StudyState.InProgress, StudyState.OnHold, StudyState.Completed, StudyState.Discontinued, StudyState.Cancelled,
]);

/** Events that move a study on their own, not through its steps. */
export const StudyEvent = {
  /** Its steps changed: the new state is derived from them (deriveStudyState). */
  StepsChanged: 'steps.changed',
  ReadingClaimed: 'reading.claimed',
  ReadingReleased: 'reading.released',
  ReportPreliminary: 'report.preliminary',
  ReportFinal: 'report.final',
  ReportCorrected: 'report.corrected',
} as const;
export type StudyEvent = (typeof StudyEvent)[keyof typeof StudyEvent];

const to = (state: StudyState, note?: string): Transition<StudyState> => ({ kind: 'to', to: state, note });
const refuse = (reason: string): Transition<StudyState> => ({ kind: 'refuse', reason });
const ignore = (reason: string, flag = false): Transition<StudyState> => ({ kind: 'ignore', reason, flag });

const T = StudyState;
type ReadingEvent = Exclude<StudyEvent, typeof StudyEvent.StepsChanged>;

const NOT_ACQUIRED = 'not acquired yet';
const CALLED_OFF = 'study was called off';
const EARLY = 'report before acquisition completed';

/**
 * (state, event) → transition for the reading and reporting part of a study's life (mpps-and-status.md
 * §5.1, §5.2). A report that arrives before the images is accepted with a note (an external report
 * system is the truth about reports); a preliminary after the final is ignored; nothing revives a
 * called-off study.
 */
export const STUDY_TRANSITIONS: Readonly<Record<ReadingEvent, Record<StudyState, Transition<StudyState>>>> = {
  [StudyEvent.ReadingClaimed]: {
    [T.Completed]: to(T.BeingRead), [T.BeingRead]: to(T.BeingRead), [T.Preliminary]: to(T.Preliminary),
    [T.Final]: to(T.Final), [T.Corrected]: to(T.Corrected),
    [T.Scheduled]: refuse(NOT_ACQUIRED), [T.Arrived]: refuse(NOT_ACQUIRED), [T.InProgress]: refuse(NOT_ACQUIRED), [T.OnHold]: refuse(NOT_ACQUIRED),
    [T.Discontinued]: refuse(CALLED_OFF), [T.Cancelled]: refuse(CALLED_OFF),
  },
  [StudyEvent.ReadingReleased]: {
    [T.BeingRead]: to(T.Completed), [T.Completed]: ignore('not being read'), [T.Preliminary]: to(T.Preliminary),
    [T.Final]: to(T.Final), [T.Corrected]: to(T.Corrected),
    [T.Scheduled]: ignore('not being read'), [T.Arrived]: ignore('not being read'), [T.InProgress]: ignore('not being read'), [T.OnHold]: ignore('not being read'),
    [T.Discontinued]: ignore('not being read'), [T.Cancelled]: ignore('not being read'),
  },
  [StudyEvent.ReportPreliminary]: {
    [T.Completed]: to(T.Preliminary), [T.BeingRead]: to(T.Preliminary), [T.Preliminary]: to(T.Preliminary),
    [T.Scheduled]: to(T.Preliminary, EARLY), [T.Arrived]: to(T.Preliminary, EARLY), [T.InProgress]: to(T.Preliminary, EARLY), [T.OnHold]: to(T.Preliminary, EARLY),
    [T.Final]: ignore('preliminary report after the final one', true), [T.Corrected]: ignore('preliminary report after the final one', true),
    [T.Discontinued]: refuse(CALLED_OFF), [T.Cancelled]: refuse(CALLED_OFF),
  },
  [StudyEvent.ReportFinal]: {
    [T.Completed]: to(T.Final), [T.BeingRead]: to(T.Final), [T.Preliminary]: to(T.Final), [T.Final]: to(T.Final),
    [T.Scheduled]: to(T.Final, EARLY), [T.Arrived]: to(T.Final, EARLY), [T.InProgress]: to(T.Final, EARLY), [T.OnHold]: to(T.Final, EARLY),
    // signed again after an addendum: the newest report is kept, the study stays corrected
    [T.Corrected]: to(T.Corrected),
    [T.Discontinued]: refuse(CALLED_OFF), [T.Cancelled]: refuse(CALLED_OFF),
  },
  [StudyEvent.ReportCorrected]: {
    [T.Final]: to(T.Corrected), [T.Corrected]: to(T.Corrected),
    // the final was lost on the way: the correction is the report we have
    [T.Completed]: to(T.Corrected, 'correction without a final report'), [T.BeingRead]: to(T.Corrected, 'correction without a final report'),
    [T.Preliminary]: to(T.Corrected, 'correction without a final report'),
    [T.Scheduled]: to(T.Corrected, EARLY), [T.Arrived]: to(T.Corrected, EARLY), [T.InProgress]: to(T.Corrected, EARLY), [T.OnHold]: to(T.Corrected, EARLY),
    [T.Discontinued]: refuse(CALLED_OFF), [T.Cancelled]: refuse(CALLED_OFF),
  },
};

export function studyTransition(state: StudyState, event: ReadingEvent): Transition<StudyState> {
  return STUDY_TRANSITIONS[event][state] ?? refuse(`not allowed from ${state}`);
}

const OPEN: ReadonlySet<SpsStatus> = new Set([SpsStatus.Scheduled, SpsStatus.Arrived, SpsStatus.Ready]);
const DONE: ReadonlySet<SpsStatus> = new Set([SpsStatus.Completed, SpsStatus.Departed]);

/**
 * A study's acquisition state from its steps (the group and append cases included): called off
 * when every step was, completed when every step still wanted is done, under way when any step
 * started or some are done and others wait, on hold when every waiting step is held.
 */
export function deriveStudyState(steps: readonly { status: SpsStatus; held: boolean }[]): StudyState {
  if (steps.length === 0) return StudyState.Scheduled;
  const live = steps.filter((s) => s.status !== SpsStatus.Canceled && s.status !== SpsStatus.Discontinued);
  if (live.length === 0) return steps.every((s) => s.status === SpsStatus.Canceled) ? StudyState.Cancelled : StudyState.Discontinued;
  if (live.every((s) => DONE.has(s.status))) return StudyState.Completed;
  if (live.some((s) => s.status === SpsStatus.Started) || live.some((s) => DONE.has(s.status))) return StudyState.InProgress;
  const waiting = live.filter((s) => OPEN.has(s.status));
  if (waiting.every((s) => s.held)) return StudyState.OnHold;
  if (waiting.some((s) => s.status !== SpsStatus.Scheduled)) return StudyState.Arrived;
  return StudyState.Scheduled;
}
