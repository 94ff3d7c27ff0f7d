import { DomainError, DomainErrorCode, subjectOf } from '../common';
import { Lifecycle } from '../lifecycle';
import { ChangeSource, TransactionContext } from '../workflow';
import { PerformedStepStatus } from './performed-step';
import { UpdatePerformedStepCommand } from './performed-step-commands';
import { checkDate, checkFixedValues, checkTime, stepEventFor, updateStatus } from './performed-step-rules';

export interface UpdatePerformedStepOutcome {
  ref: string;
  status: PerformedStepStatus;
  /** Scheduled steps the lifecycle moved. */
  stepsChanged: number;
  /** The end date and time were missing from a final update and set to now. */
  endFilled: boolean;
}

/** The time the use case stamps on a final update that came without an end. */
export type Clock = () => Date;

/**
 * A modality updated or finished a performed step (IHE RAD-7). While it is in progress any number
 * of updates may come; once completed or discontinued it is final. A final update moves its
 * scheduled steps, each as all of its performed steps together say (the append case).
 */
export class UpdatePerformedStep {
  constructor(private readonly now: Clock = () => new Date()) {}

  async execute(tx: Pick<TransactionContext, 'workflow' | 'performedSteps'>, cmd: UpdatePerformedStepCommand, source: ChangeSource): Promise<UpdatePerformedStepOutcome> {
    const origin = cmd.origin;
    const stored = await tx.performedSteps.find(cmd.instanceUid);
    if (!stored) throw new DomainError(DomainErrorCode.UnknownPerformedStep, 'performed step not found', subjectOf('performed-step', 'instanceUid', origin));
    if (stored.status !== PerformedStepStatus.InProgress) {
      throw new DomainError(DomainErrorCode.InvalidTransition, `performed step is ${stored.status.toLowerCase()}: may no longer be updated`, subjectOf('performed-step', 'status', origin), { performedStep: stored.ref });
    }
    const status = updateStatus(cmd.status, origin) ?? stored.status;
    checkDate(cmd.endDate, 'endDate', origin);
    checkTime(cmd.endTime, 'endTime', origin);
    checkFixedValues(cmd.fixed, stored, origin);

    const final = status !== PerformedStepStatus.InProgress;
    // Lenient (mpps-and-status.md §2): a final update without its end is accepted, ended now.
    const endFilled = final && (!cmd.endDate?.trim() || !cmd.endTime?.trim());
    const end = endFilled ? stamp(this.now()) : { endDate: cmd.endDate, endTime: cmd.endTime };
    await tx.performedSteps.update(stored.ref, {
      status, ...end,
      description: cmd.description, procedureTypeDescription: cmd.procedureTypeDescription, comments: cmd.comments,
      series: cmd.series, dose: cmd.dose, discontinuationReason: cmd.discontinuationReason,
      receivedAttributes: cmd.receivedAttributes, sourceRef: source.ref,
    });
    const stepsChanged = final ? await this.settleSteps(tx, stored.ref, source) : 0;
    return { ref: stored.ref, status, stepsChanged, endFilled };
  }

  /** Each linked step meets the event its performed steps, together, stand for; then its study follows. */
  private async settleSteps(tx: Pick<TransactionContext, 'workflow' | 'performedSteps'>, performedRef: string, source: ChangeSource): Promise<number> {
    const steps = await tx.performedSteps.findLinkedSteps(performedRef);
    if (steps.length === 0) return 0;
    const performed = await tx.performedSteps.findPerformedOfSteps(steps.map((s) => s.ref));
    let changed = 0;
    const touched = new Map<string, string>();
    for (const step of steps) {
      const event = stepEventFor(performed.filter((p) => p.stepRef === step.ref));
      if (!event) continue;
      const moved = await Lifecycle.step(tx.workflow, step, event, source);
      if (moved.changed) changed++;
      touched.set(step.procedureRef, event);
    }
    for (const [procedureRef, event] of touched) await Lifecycle.settleStudy(tx.workflow, procedureRef, event, source);
    return changed;
  }
}

function stamp(at: Date): { endDate: string; endTime: string } {
  const two = (n: number) => String(n).padStart(2, '0');
  return { endDate: `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}`, endTime: `${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}` };
}
