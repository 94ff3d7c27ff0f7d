import { PatientDemographics, PatientIdentifier, Patient } from '../patients';
import { OrderGroupCommand, RequestedProcedureInput, ProcedureStepInput, VisitInput } from '../orders';
import { SpsStatus } from '../procedure-steps';
import type { StudyState } from '../lifecycle/study-lifecycle';

export interface OrderRecord {
  ref: string;
  patientRef: string;
  accessionNumber: string;
}

export interface ProcedureRecord {
  ref: string;
  orderRef: string;
  requestedProcedureId: string;
  studyInstanceUid: string;
}

export interface StepRecord {
  ref: string;
  procedureRef: string;
  spsId: string;
  status: SpsStatus;
  held: boolean;
}

export interface StudyRecord {
  ref: string;
  orderRef: string;
  state: StudyState;
  steps: StepRecord[];
}

export interface StepTransitionRecord {
  procedureRef: string;
  stepRef: string;
  from: SpsStatus | null;
  to: SpsStatus;
  /** The held flag after the change; undefined keeps it. */
  held?: boolean;
  /** The held flag before it, for the history. */
  wasHeld?: boolean;
  event: string;
  source: ChangeSource;
  note?: string;
}

export interface StudyTransitionRecord {
  procedureRef: string;
  from: StudyState;
  to: StudyState;
  event: string;
  source: ChangeSource;
  note?: string;
}

export interface LifecycleFlag {
  procedureRef: string;
  stepRef?: string;
  /** The state it was in, which stays. */
  state: string;
  event: string;
  source: ChangeSource;
  note: string;
}

/** Who caused a change, for the transition history and the audit trail. */
export interface ChangeSource {
  /** `import`: a worklist file (import-worklist), ref `<folder name>/<file name>`. */
  kind: 'hl7' | 'dicom' | 'user' | 'system' | 'import';
  /** message id, association id, user id, file … (never PHI) */
  ref: string;
}

export interface OutboxEvent {
  topic: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/**
 * Port: everything the workflow use cases read and write, bound to one transaction.
 * Implemented in libs/persistence.
 */
export interface WorkflowStore {
  findPatient(id: PatientIdentifier): Promise<Patient | null>;
  /** Creates or updates the patient; returns its ref. */
  upsertPatient(demographics: PatientDemographics): Promise<string>;
  /** Locks and returns the patient row, following merges to the survivor. */
  resolvePatient(id: PatientIdentifier): Promise<Patient | null>;
  updateVisitOnOpenOrders(patientRef: string, visit: VisitInput): Promise<void>;
  /** Re-points orders and steps of `priorRef` to `survivingRef` and retires the prior patient. */
  mergePatient(priorRef: string, survivingRef: string): Promise<{ orders: number; steps: number }>;
  changePatientIdentifier(patientRef: string, to: PatientIdentifier): Promise<void>;

  /** Locks and returns the order (SELECT … FOR UPDATE). */
  findOrder(key: { accessionNumber?: string; sendingApplication: string; placerOrderNumber?: string }): Promise<OrderRecord | null>;
  /** Creates the order; null when an order with this accession number exists already. */
  createOrder(patientRef: string, sendingApplication: string, group: OrderGroupCommand, visit: VisitInput): Promise<OrderRecord | null>;
  updateOrder(orderRef: string, patientRef: string, group: OrderGroupCommand, visit: VisitInput): Promise<void>;

  findProcedures(orderRef: string): Promise<ProcedureRecord[]>;
  /** Throws DomainError DUPLICATE_ORDER when the Study Instance UID belongs to another procedure. */
  createProcedure(orderRef: string, input: RequestedProcedureInput & { requestedProcedureId: string; studyInstanceUid: string }): Promise<ProcedureRecord>;
  updateProcedure(procedureRef: string, input: RequestedProcedureInput): Promise<void>;

  findSteps(procedureRef: string): Promise<StepRecord[]>;
  /** Locks and returns the patient's steps scheduled on `date` (DICOM DA) that are not finished. */
  findOpenStepsOfPatient(patientRef: string, date: string): Promise<StepRecord[]>;
  createStep(procedureRef: string, patientRef: string, input: ProcedureStepInput & { spsId: string }, status: SpsStatus): Promise<StepRecord>;
  updateStep(stepRef: string, input: ProcedureStepInput): Promise<void>;
  /**
   * Moves the step from `from` to `to` (and its held flag) only if it is still in `from`, writing its
   * history row and its outbox event in the same statement; a step that moved meanwhile fails the
   * transaction with a retryable conflict. `from: null` records the step's creation.
   */
  transitionStep(t: StepTransitionRecord): Promise<void>;
  /** Locks the study (requested procedure) and returns its state with its steps' states. */
  findStudy(procedureRef: string): Promise<StudyRecord | null>;
  /** The study's counterpart of transitionStep, conditional on `from` as well. */
  transitionStudy(t: StudyTransitionRecord): Promise<void>;
  /** A history row that changes no state: something to look at (a stale step, an MPPS for a cancelled order). */
  recordFlag(f: LifecycleFlag): Promise<void>;
  addOutbox(event: OutboxEvent): Promise<void>;
  /** A number unique in the database, for generated ids. */
  nextGeneratedNumber(): Promise<number>;
}
