import type { StepRecord } from '../workflow';
import type { CodedValue, PerformedPatient, PerformedSeries, PerformedStepRecord, PerformedStepStatus, RadiationDose, ReconciliationReason, ScheduledStepReference } from './performed-step';

/** A scheduled step with the keys a modality may reference it by. */
export interface StepCandidate extends StepRecord {
  accessionNumber: string;
  requestedProcedureId: string;
  studyInstanceUid: string;
  modality?: string;
  /** Number of requested procedures of its order (an accession alone names one only if it has one). */
  proceduresInOrder: number;
}

export interface NewPerformedStep {
  instanceUid: string;
  status: PerformedStepStatus;
  references: ScheduledStepReference[];
  patient: PerformedPatient;
  modality: string;
  stationAeTitle: string;
  stationName?: string;
  location?: string;
  performedStepId: string;
  startDate: string;
  startTime: string;
  description?: string;
  procedureTypeDescription?: string;
  studyInstanceUid?: string;
  studyId?: string;
  comments?: string;
  series: PerformedSeries[];
  dose?: RadiationDose;
  needsReconciliation: boolean;
  reconciliationReason?: ReconciliationReason;
  receivedAttributes: Record<string, unknown>;
  /** The association (or other origin) it came from, for the audit. */
  sourceRef: string;
}

/** What an update writes; undefined keeps the stored value. */
export interface PerformedStepChanges {
  status?: PerformedStepStatus;
  endDate?: string;
  endTime?: string;
  description?: string;
  procedureTypeDescription?: string;
  comments?: string;
  series?: PerformedSeries[];
  dose?: RadiationDose;
  discontinuationReason?: CodedValue;
  needsReconciliation?: boolean;
  reconciliationReason?: ReconciliationReason;
  receivedAttributes: Record<string, unknown>;
  sourceRef: string;
}

/** One performed step linked to a scheduled step, as the append rule needs it. */
export interface LinkedPerformedStep {
  stepRef: string;
  performedRef: string;
  status: PerformedStepStatus;
  seriesCount: number;
}

/** Port: the performed procedure steps (MPPS) a modality reported, bound to one transaction. Implemented in libs/persistence. */
export interface PerformedStepStore {
  /** Locks and returns the performed step with this instance UID. */
  find(instanceUid: string): Promise<PerformedStepRecord | null>;
  /** Stores it and returns its ref; null when one with this instance UID exists already. */
  create(step: NewPerformedStep): Promise<string | null>;
  update(ref: string, changes: PerformedStepChanges): Promise<void>;
  link(performedRef: string, stepRefs: readonly string[]): Promise<void>;
  /** Locks and returns the scheduled steps whose order has this accession number or whose study has this UID. */
  findStepCandidates(keys: { accessionNumbers: readonly string[]; studyInstanceUids: readonly string[] }): Promise<StepCandidate[]>;
  /** Locks and returns the scheduled steps this performed step is linked to. */
  findLinkedSteps(performedRef: string): Promise<StepRecord[]>;
  /** Every performed step linked to any of these scheduled steps, with its current status. */
  findPerformedOfSteps(stepRefs: readonly string[]): Promise<LinkedPerformedStep[]>;
}
