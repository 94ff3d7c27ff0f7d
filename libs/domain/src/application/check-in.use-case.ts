import { DomainError, DomainErrorCode, InputOrigin, subjectOf } from '../common';
import { Lifecycle, StepEvent } from '../lifecycle';
import { PatientIdentifier } from '../patients';
import { StepRecord, WorkflowStore } from '../workflow';
import { UseCase } from './use-case';

/**
 * The patient is at the desk: by order (the accession of the exam), or by patient and day (an
 * arrival message names only the patient; every step of theirs scheduled that day is checked in).
 */
export type CheckInCommand =
  | { by: 'order'; accessionNumber: string; undo?: boolean; origin?: InputOrigin }
  | { by: 'patient'; patient: PatientIdentifier; date: string; undo?: boolean; origin?: InputOrigin };

export interface CheckInOutcome {
  checkedIn: number;
  /** Steps the event did not move (already checked in, under way), with the table's reason. */
  unchanged: number;
}

export const checkIn: UseCase<CheckInCommand, CheckInOutcome> = async (tx, cmd, source) => {
  const steps = await stepsFor(tx.workflow, cmd);
  const event = cmd.undo ? StepEvent.CheckInUndone : StepEvent.CheckedIn;
  const outcome: CheckInOutcome = { checkedIn: 0, unchanged: 0 };
  const touched = new Set<string>();
  for (const step of steps) {
    const moved = await Lifecycle.step(tx.workflow, step, event, source, subjectOf('procedure-step', 'state', cmd.origin));
    if (moved.changed) {
      outcome.checkedIn++;
      touched.add(step.procedureRef);
    } else outcome.unchanged++;
  }
  for (const ref of touched) await Lifecycle.settleStudy(tx.workflow, ref, event, source);
  return outcome;
};

async function stepsFor(store: WorkflowStore, cmd: CheckInCommand): Promise<StepRecord[]> {
  if (cmd.by === 'patient') {
    const patient = await store.resolvePatient(cmd.patient);
    if (!patient) throw new DomainError(DomainErrorCode.UnknownPatient, 'patient not found', subjectOf('patient', 'identifier', cmd.origin));
    return store.findOpenStepsOfPatient(patient.ref, cmd.date);
  }
  const order = await store.findOrder({ accessionNumber: cmd.accessionNumber, sendingApplication: '' });
  if (!order) throw new DomainError(DomainErrorCode.UnknownOrder, 'order not found', subjectOf('order', 'accessionNumber', cmd.origin));
  const steps: StepRecord[] = [];
  for (const procedure of await store.findProcedures(order.ref)) steps.push(...(await store.findSteps(procedure.ref)));
  return steps;
}
