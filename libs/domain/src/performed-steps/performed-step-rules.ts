import { DomainError, DomainErrorCode, InputOrigin, subjectOf } from '../common';
import { StepEvent } from '../lifecycle';
import { FixedAttribute, FixedPerformedValues, PerformedPatient, PerformedStepRecord, PerformedStepStatus, PERFORMED_STEP_STATUSES, ScheduledStepReference } from './performed-step';
import type { LinkedPerformedStep } from './performed-step.store';

const DATE = /^\d{8}$/;
const TIME = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;

/** The value, trimmed; RequiredFieldMissing when it is absent or empty. */
export function required(value: string | undefined, attribute: string, origin?: InputOrigin): string {
  const v = value?.trim();
  if (!v) throw new DomainError(DomainErrorCode.RequiredFieldMissing, `performed step without ${attribute}`, subjectOf('performed-step', attribute, origin));
  return v;
}

export function invalid(attribute: string, why: string, origin?: InputOrigin): DomainError {
  return new DomainError(DomainErrorCode.InvalidValue, `performed step ${attribute} ${why}`, subjectOf('performed-step', attribute, origin));
}

export function checkDate(value: string | undefined, attribute: string, origin?: InputOrigin): void {
  if (value && !DATE.test(value.trim())) throw invalid(attribute, 'is not a date', origin);
}

export function checkTime(value: string | undefined, attribute: string, origin?: InputOrigin): void {
  if (value && !TIME.test(value.trim())) throw invalid(attribute, 'is not a time', origin);
}

/** A status an update may set; InvalidValue for anything else. */
export function updateStatus(value: string | undefined, origin?: InputOrigin): PerformedStepStatus | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!PERFORMED_STEP_STATUSES.includes(v)) throw invalid('status', 'is not one of IN PROGRESS, COMPLETED, DISCONTINUED', origin);
  return v as PerformedStepStatus;
}

const text = (v: string | undefined): string => (v ?? '').trim().replace(/\^+$/, '');
const referenceKey = (r: ScheduledStepReference): string => [r.studyInstanceUid, r.accessionNumber, r.requestedProcedureId, r.spsId].map(text).join('\\');

/** Fixed attributes compared in this order; the first that changed is the one reported. */
const FIXED: { [A in FixedAttribute]: (sent: NonNullable<FixedPerformedValues[A]>, stored: PerformedStepRecord) => boolean } = {
  references: (sent, stored) => sent.map(referenceKey).join('|') === stored.references.map(referenceKey).join('|'),
  patient: (sent, stored) => (Object.keys(sent) as (keyof PerformedPatient)[]).every((k) => text(sent[k]) === text(stored.patient[k])),
  performedStepId: (sent, stored) => text(sent) === text(stored.performedStepId),
  startDate: (sent, stored) => text(sent) === text(stored.startDate),
  startTime: (sent, stored) => text(sent) === text(stored.startTime),
  modality: (sent, stored) => text(sent) === text(stored.modality),
  studyId: (sent, stored) => text(sent) === text(stored.studyId),
};

/**
 * An update may repeat what was fixed at creation (many modalities resend the whole set) but not
 * change it: that would re-point images at another order or patient behind the order's back.
 */
export function checkFixedValues(fixed: FixedPerformedValues, stored: PerformedStepRecord, origin?: InputOrigin): void {
  for (const attribute of Object.keys(FIXED) as FixedAttribute[]) {
    const sent = fixed[attribute];
    if (sent === undefined) continue;
    const unchanged = (FIXED[attribute] as (s: unknown, r: PerformedStepRecord) => boolean)(sent, stored);
    if (!unchanged) {
      throw new DomainError(DomainErrorCode.UnchangeableValue, `performed step ${attribute} may not change after it was created`, subjectOf('performed-step', attribute, origin), { performedStep: stored.ref });
    }
  }
}

/**
 * What a scheduled step's performed steps, together, say happened to it (the append case): nothing
 * yet while any is under way; completed once one completed; otherwise discontinued, partly when
 * some series exist.
 */
export function stepEventFor(performed: readonly Pick<LinkedPerformedStep, 'status' | 'seriesCount'>[]): StepEvent | undefined {
  if (performed.length === 0 || performed.some((p) => p.status === PerformedStepStatus.InProgress)) return undefined;
  if (performed.some((p) => p.status === PerformedStepStatus.Completed)) return StepEvent.PerformedCompleted;
  return performed.some((p) => p.seriesCount > 0) ? StepEvent.PerformedPartial : StepEvent.PerformedDiscontinued;
}
