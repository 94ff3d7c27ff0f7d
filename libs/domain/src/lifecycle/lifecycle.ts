import { DomainError, DomainErrorCode, ErrorSubject } from '../common';
import { SpsStatus } from '../procedure-steps';
import { ChangeSource, StepRecord, WorkflowStore } from '../workflow';
import { StepEvent, stepTransition } from './step-lifecycle';
import { ACQUISITION_STATES, deriveStudyState, StudyEvent, StudyState, studyTransition } from './study-lifecycle';

/** What an event did: moved the state, or nothing (with the table's reason when it was ignored). */
export interface LifecycleOutcome<S> {
  changed: boolean;
  from: S;
  to: S;
  /** Why nothing changed, when the table said "ignore". */
  ignored?: string;
  /** What the table noted about the transition (e.g. a report before the images). */
  note?: string;
}

type ReadingEvent = Exclude<StudyEvent, typeof StudyEvent.StepsChanged>;

/**
 * Runs events through the lifecycle tables, inside the caller's transaction: the only way a
 * step's or a study's state changes. Each change is one conditional update with its history row
 * and outbox event (WorkflowStore.transitionStep / transitionStudy), so two transactions racing
 * for the same step cannot both move it: the loser re-reads and meets the table again.
 */
export const Lifecycle = {
  async step(store: WorkflowStore, step: StepRecord, event: StepEvent, source: ChangeSource, subject?: ErrorSubject): Promise<LifecycleOutcome<SpsStatus>> {
    const t = stepTransition(step.status, event);
    const from = step.status;
    if (t.kind === 'refuse') {
      throw new DomainError(DomainErrorCode.InvalidTransition, `procedure step is ${from.toLowerCase()}: ${t.reason}`, subject ?? { entity: 'procedure-step' }, { step: step.ref, event });
    }
    if (t.kind === 'ignore') {
      if (t.flag) await store.recordFlag({ procedureRef: step.procedureRef, stepRef: step.ref, state: from, event, source, note: t.reason });
      return { changed: false, from, to: from, ignored: t.reason };
    }
    const heldChanges = t.held !== undefined && t.held !== step.held;
    if (t.to === from && !heldChanges) return { changed: false, from, to: from };
    await store.transitionStep({ procedureRef: step.procedureRef, stepRef: step.ref, from, to: t.to, held: t.held, wasHeld: step.held, event, source, note: t.note });
    step.status = t.to;
    if (t.held !== undefined) step.held = t.held;
    return { changed: true, from, to: t.to, note: t.note };
  },

  /**
   * After its steps changed, the study follows them while it is still being acquired; once a
   * reader took it, only reading and reports move it. `event` names what moved the steps.
   */
  async settleStudy(store: WorkflowStore, procedureRef: string, event: string, source: ChangeSource): Promise<LifecycleOutcome<StudyState> | null> {
    const study = await store.findStudy(procedureRef);
    if (!study || !ACQUISITION_STATES.has(study.state)) return null;
    const next = deriveStudyState(study.steps);
    if (next === study.state) return { changed: false, from: study.state, to: next };
    await store.transitionStudy({ procedureRef, from: study.state, to: next, event, source });
    return { changed: true, from: study.state, to: next };
  },

  /** A reading or report event for the study; refused with a DomainError when the table says so. */
  async study(store: WorkflowStore, procedureRef: string, event: ReadingEvent, source: ChangeSource, subject?: ErrorSubject): Promise<LifecycleOutcome<StudyState>> {
    const study = await store.findStudy(procedureRef);
    if (!study) throw new DomainError(DomainErrorCode.UnknownStudy, 'study not found', subject ?? { entity: 'study' });
    const t = studyTransition(study.state, event);
    if (t.kind === 'refuse') {
      throw new DomainError(DomainErrorCode.InvalidTransition, `study is ${study.state.replace('_', ' ')}: ${t.reason}`, subject ?? { entity: 'study' }, { study: procedureRef, event });
    }
    if (t.kind === 'ignore') {
      if (t.flag) await store.recordFlag({ procedureRef, state: study.state, event, source, note: t.reason });
      return { changed: false, from: study.state, to: study.state, ignored: t.reason };
    }
    if (t.to === study.state) return { changed: false, from: study.state, to: study.state, note: t.note };
    await store.transitionStudy({ procedureRef, from: study.state, to: t.to, event, source, note: t.note });
    return { changed: true, from: study.state, to: t.to, note: t.note };
  },
};
