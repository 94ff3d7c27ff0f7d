import type { InputOrigin } from '../common';

/** Performed Procedure Step Status defined terms (PS3.3 C.4.14), kept verbatim so they grep. */
export const PerformedStepStatus = {
  InProgress: 'IN PROGRESS',
  Completed: 'COMPLETED',
  Discontinued: 'DISCONTINUED',
} as const;
export type PerformedStepStatus = (typeof PerformedStepStatus)[keyof typeof PerformedStepStatus];

export const PERFORMED_STEP_STATUSES: readonly string[] = Object.values(PerformedStepStatus);

/** Why a performed step waits on the exception worklist for a person (or a rule) to link it. */
export const ReconciliationReason = {
  /** No scheduled step was referenced at all (IHE "unscheduled" / patient not in the worklist). */
  Unscheduled: 'unscheduled',
  /** An accession number was given but no scheduled step answers to it (typed in, or stale). */
  NoMatchingStep: 'no matching step for accession',
  /** It was linked to a step whose order was cancelled or discontinued: the order stays dead. */
  OrderCalledOff: 'order called off',
} as const;
export type ReconciliationReason = (typeof ReconciliationReason)[keyof typeof ReconciliationReason];

/** One scheduled step the modality says it performed, by the keys it read from the worklist. */
export interface ScheduledStepReference {
  studyInstanceUid?: string;
  accessionNumber?: string;
  requestedProcedureId?: string;
  spsId?: string;
  /** Where the edge read it (handed back in errors). */
  origin?: InputOrigin;
}

/** Who the modality says it examined; kept for reconciliation, never the truth about the patient. */
export interface PerformedPatient {
  id?: string;
  issuer?: string;
  name?: string;
  birthDate?: string;
  sex?: string;
}

export interface CodedValue {
  value: string;
  scheme?: string;
  meaning?: string;
}

/** One series the modality produced. */
export interface PerformedSeries {
  seriesInstanceUid?: string;
  protocolName?: string;
  description?: string;
  retrieveAeTitle?: string;
  performingPhysician?: string;
  operators?: string;
  imageCount: number;
  nonImageCount: number;
}

/** Radiation dose as reported; stored, never used for workflow. */
export interface RadiationDose {
  fluoroscopyTimeSeconds?: number;
  exposureCount?: number;
  entranceDoseDgy?: number;
  exposedAreaCm2?: number;
  sourceToEntranceDistanceMm?: number;
  comments?: string;
  exposures?: Record<string, unknown>[];
}

/** The values fixed when a performed step is created; an update may repeat them but not change them. */
export interface FixedPerformedValues {
  references?: ScheduledStepReference[];
  patient?: PerformedPatient;
  performedStepId?: string;
  startDate?: string;
  startTime?: string;
  modality?: string;
  studyId?: string;
}

export type FixedAttribute = keyof FixedPerformedValues;

/** A stored performed step as the use cases need it. */
export interface PerformedStepRecord {
  ref: string;
  references: ScheduledStepReference[];
  patient: PerformedPatient;
  instanceUid: string;
  status: PerformedStepStatus;
  performedStepId: string;
  startDate: string;
  startTime: string;
  modality: string;
  studyId?: string;
  series: PerformedSeries[];
}
