import { PatientDemographics, PatientIdentifier, Patient } from '../patients';
import { OrderGroupCommand, RequestedProcedureInput, ProcedureStepInput, VisitInput } from '../orders';
import { SpsStatus } from '../procedure-steps';

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

/** Who caused a change, for the transition history and the audit trail. */
export interface ChangeSource {
  kind: 'hl7' | 'dicom' | 'user' | 'system';
  /** message id, association id, user id … (never PHI) */
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
  createStep(procedureRef: string, patientRef: string, input: ProcedureStepInput & { spsId: string }, status: SpsStatus): Promise<StepRecord>;
  updateStep(stepRef: string, input: ProcedureStepInput): Promise<void>;
  setStepState(stepRef: string, change: { status?: SpsStatus; held?: boolean }): Promise<void>;

  /** The history row of a status change and the outbox event announcing it, together. */
  recordTransition(t: { procedureRef: string; stepRef: string; from: string | null; to: string; event: string; source: ChangeSource }, outbox: OutboxEvent): Promise<void>;
  addOutbox(event: OutboxEvent): Promise<void>;
  /** A number unique in the database, for generated ids. */
  nextGeneratedNumber(): Promise<number>;
}
