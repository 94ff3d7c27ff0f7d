import { DomainError, DomainErrorCode, subjectOf } from '../common';
import { Lifecycle, StepEvent } from '../lifecycle';
import { SpsStatus } from '../procedure-steps';
import { ChangeSource, TransactionContext } from '../workflow';
import { PerformedStepStatus, ReconciliationReason } from './performed-step';
import { StartPerformedStepCommand } from './performed-step-commands';
import { checkDate, checkTime, invalid, required } from './performed-step-rules';
import { matchReferences } from './step-matching';

export interface StartPerformedStepOutcome {
  ref: string;
  /** Scheduled steps it was linked to. */
  linkedSteps: number;
  /** Of those, steps the lifecycle moved. */
  stepsChanged: number;
  reconciliation?: ReconciliationReason;
}

const CALLED_OFF: ReadonlySet<SpsStatus> = new Set([SpsStatus.Canceled, SpsStatus.Discontinued]);

/**
 * A modality started a performed step (IHE RAD-6). It is stored whole and linked to the scheduled
 * steps it references; every one of them starts together (the group case), one already started
 * gains another performed step (the append case). One that references nothing we know is stored
 * for reconciliation with the modality's patient identity; no order is invented for it.
 */
export class StartPerformedStep {
  async execute(tx: Pick<TransactionContext, 'workflow' | 'performedSteps'>, cmd: StartPerformedStepCommand, source: ChangeSource): Promise<StartPerformedStepOutcome> {
    const valid = validate(cmd);
    const candidates = await tx.performedSteps.findStepCandidates({
      accessionNumbers: present(cmd.references.map((r) => r.accessionNumber)),
      studyInstanceUids: present(cmd.references.map((r) => r.studyInstanceUid)),
    });
    const { steps, unmatched } = matchReferences(cmd.references, candidates, valid.modality);
    const reconciliation = unmatched ?? (steps.some((s) => CALLED_OFF.has(s.status)) ? ReconciliationReason.OrderCalledOff : undefined);
    const ref = await tx.performedSteps.create({
      ...cmd,
      ...valid,
      status: PerformedStepStatus.InProgress,
      studyInstanceUid: cmd.references.find((r) => r.studyInstanceUid)?.studyInstanceUid?.trim(),
      needsReconciliation: reconciliation !== undefined,
      reconciliationReason: reconciliation,
      sourceRef: source.ref,
    });
    if (ref === null) throw duplicate(cmd);
    if (steps.length > 0) await tx.performedSteps.link(ref, steps.map((s) => s.ref));

    let stepsChanged = 0;
    for (const step of steps) {
      const moved = await Lifecycle.step(tx.workflow, step, StepEvent.PerformedStarted, source);
      if (moved.changed) stepsChanged++;
    }
    for (const procedureRef of new Set(steps.map((s) => s.procedureRef))) {
      await Lifecycle.settleStudy(tx.workflow, procedureRef, StepEvent.PerformedStarted, source);
    }
    return { ref, linkedSteps: steps.length, stepsChanged, reconciliation };
  }
}

function validate(cmd: StartPerformedStepCommand) {
  const origin = cmd.origin;
  required(cmd.instanceUid, 'instanceUid', origin);
  const status = required(cmd.status, 'status', origin);
  if (status !== PerformedStepStatus.InProgress) throw invalid('status', 'must be IN PROGRESS when it starts', origin);
  if (cmd.references.length === 0) required(undefined, 'references', origin);
  cmd.references.forEach((r) => required(r.studyInstanceUid, 'references.studyInstanceUid', r.origin ?? origin));
  const valid = {
    performedStepId: required(cmd.performedStepId, 'performedStepId', origin),
    stationAeTitle: required(cmd.stationAeTitle, 'stationAeTitle', origin),
    startDate: required(cmd.startDate, 'startDate', origin),
    startTime: required(cmd.startTime, 'startTime', origin),
    modality: required(cmd.modality, 'modality', origin),
  };
  checkDate(valid.startDate, 'startDate', origin);
  checkTime(valid.startTime, 'startTime', origin);
  return valid;
}

function duplicate(cmd: StartPerformedStepCommand): DomainError {
  return new DomainError(DomainErrorCode.DuplicatePerformedStep, 'a performed step with this instance UID exists already', subjectOf('performed-step', 'instanceUid', cmd.origin));
}

function present(values: (string | undefined)[]): string[] {
  return [...new Set(values.map((v) => v?.trim()).filter((v): v is string => !!v))];
}
