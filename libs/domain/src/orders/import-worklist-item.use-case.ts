import { DomainError, DomainErrorCode, ErrorSubject, subjectOf } from '../common';
import { PatientDemographics } from '../patients';
import type { ChangeSource, OrderRecord, ProcedureRecord, TransactionContext, WorkflowStore } from '../workflow';
import { OrderGroupCommand, PlaceOrdersCommand, ProcedureStepInput, RequestedProcedureInput, VisitInput } from './order-commands';
import { OrderEvent } from './order-event';
import { OrderService } from './order.service';

/** A step as a worklist file states it: its SPS ID is always known (the file's, or generated from the file). */
export type ImportedStepInput = ProcedureStepInput & { spsId: string };

export interface ImportedProcedureInput extends RequestedProcedureInput {
  requestedProcedureId: string;
  studyInstanceUid: string;
  steps: ImportedStepInput[];
}

/** One worklist item as a file states it: the patient, the order with its one requested procedure and its steps. */
export interface ImportWorklistItemCommand {
  /** The file, `<folder name>/<file name>`: its identity on a re-run, and the source of its history rows. */
  file: string;
  patient: PatientDemographics;
  visit: VisitInput;
  order: OrderGroupCommand & { event: typeof OrderEvent.Place; procedures: [ImportedProcedureInput] };
  /** False when the Study Instance UID was derived because the file has none. */
  studyUidGiven: boolean;
}

/** imported: at least one new step; updated: its steps were there (from this file) and a value changed; unchanged: nothing to write. */
export type ImportItemOutcome = 'imported' | 'updated' | 'unchanged';

/** A step under an order, with the source of its first history row (null: none recorded). */
export interface StepOrigin {
  stepRef: string;
  procedureRef: string;
  spsId: string;
  createdBy: ChangeSource | null;
}

/** Port: what the import reads beyond WorkflowStore, in the same transaction. */
export interface WorklistImportStore {
  /** The patient's order without accession number holding this requested procedure (how such a file names its order), locked. */
  findOrderWithoutAccession(patientRef: string, requestedProcedureId: string): Promise<OrderRecord | null>;
  /** Every step under the order, with who created it. */
  stepOrigins(orderRef: string): Promise<StepOrigin[]>;
  /** Whether storing these values (undefined keeps the stored one) would change the row. */
  orderDiffers(orderRef: string, group: OrderGroupCommand, visit: VisitInput): Promise<boolean>;
  procedureDiffers(procedureRef: string, input: RequestedProcedureInput): Promise<boolean>;
  stepDiffers(stepRef: string, input: ProcedureStepInput): Promise<boolean>;
}

/**
 * Imports one worklist item through the order use case (an order placed, policy "update"), inside
 * the caller's transaction, so its steps get the history and outbox rows an HL7 order gets, with
 * the file as their source. What a file may not do that an order message may: take over a step
 * another file or HL7 created (refused, naming the creator), move an order to another patient
 * (refused), join a requested procedure of another study (refused), or change the patient row
 * (HL7 keeps it current). An order or requested procedure whose steps are not all this file's keeps
 * its values. A re-run of the same file is `updated` when a value differs, else `unchanged` and
 * writes nothing.
 */
export class ImportWorklistItem {
  private readonly orders = new OrderService({ newOrderWhenExists: 'update', missingAccession: 'accept' });

  /** `sendingApplication`: the placing system recorded on the orders this import creates. */
  constructor(private readonly sendingApplication: string) {}

  async execute(tx: Pick<TransactionContext, 'workflow' | 'worklistImport'>, cmd: ImportWorklistItemCommand): Promise<ImportItemOutcome> {
    const found = await this.find(tx, cmd);
    refuseWhatIsNotTheFiles(cmd, found);
    if (await isUnchanged(tx.worklistImport, cmd, found)) return 'unchanged';
    const place: PlaceOrdersCommand = {
      patient: cmd.patient,
      visit: found.ownsOrder ? cmd.visit : {},
      groups: [{ ...(found.ownsOrder ? cmd.order : orderKeys(cmd.order)), procedures: [found.ownsProcedure ? cmd.order.procedures[0] : procedureKeys(cmd.order.procedures[0])] }],
      sendingApplication: this.sendingApplication,
    };
    const source: ChangeSource = { kind: 'import', ref: cmd.file };
    const outcome = await this.orders.apply(importView(tx.workflow, found), place, source);
    return outcome.stepsCreated > 0 ? 'imported' : 'updated';
  }

  /** What the file's keys name already, and whether all of it came from this file. */
  private async find({ workflow: store, worklistImport: reads }: Pick<TransactionContext, 'workflow' | 'worklistImport'>, cmd: ImportWorklistItemCommand): Promise<Found> {
    const rpId = cmd.order.procedures[0].requestedProcedureId;
    const accessionNumber = cmd.order.accessionNumber;
    // reads that do not depend on each other are sent together (one round trip on a pipelined connection)
    const [patient, byAccession] = await Promise.all([
      store.resolvePatient(cmd.patient.identifier),
      accessionNumber ? store.findOrder({ accessionNumber, sendingApplication: this.sendingApplication }) : null,
    ]);
    // without an accession number, the patient and the Requested Procedure ID name the order (a file has no other key for it)
    const order = accessionNumber ? byAccession : patient ? await reads.findOrderWithoutAccession(patient.ref, rpId) : null;
    const [origins, procedures] = order ? await Promise.all([reads.stepOrigins(order.ref), store.findProcedures(order.ref)]) : [[], []];
    const fromThisFile = (o: StepOrigin) => o.createdBy?.kind === 'import' && o.createdBy.ref === cmd.file;
    const procedure = procedures.find((p) => p.requestedProcedureId === rpId);
    const steps = procedure ? origins.filter((o) => o.procedureRef === procedure.ref) : [];
    return {
      patientRef: patient?.ref,
      order,
      procedure,
      steps: steps.map((o) => ({ ...o, fromThisFile: fromThisFile(o) })),
      ownsOrder: origins.every(fromThisFile),
      ownsProcedure: steps.every(fromThisFile),
    };
  }
}

interface Found {
  /** Undefined: a patient this import creates. */
  patientRef?: string;
  order: OrderRecord | null;
  procedure?: ProcedureRecord;
  /** The procedure's steps. */
  steps: (StepOrigin & { fromThisFile: boolean })[];
  /** Every step under the order (under the procedure) came from this file, so the file's values are its values. */
  ownsOrder: boolean;
  ownsProcedure: boolean;
}

function refuseWhatIsNotTheFiles(cmd: ImportWorklistItemCommand, found: Found): void {
  const input = cmd.order.procedures[0];
  if (found.order && found.order.patientRef !== found.patientRef) {
    throw refusal('accession number belongs to another patient', subjectOf('order', 'accessionNumber', cmd.order.origin));
  }
  if (found.procedure && cmd.studyUidGiven && found.procedure.studyInstanceUid !== input.studyInstanceUid) {
    if (!found.ownsProcedure) throw refusal('requested procedure belongs to another study', subjectOf('requested-procedure', 'requestedProcedureId', input.origin));
    throw new DomainError(DomainErrorCode.UnchangeableValue, 'study instance UID differs from the imported one', subjectOf('requested-procedure', 'studyInstanceUid', input.origin));
  }
  for (const step of input.steps) {
    const taken = found.steps.find((o) => o.spsId === step.spsId && !o.fromThisFile);
    if (taken) throw stepTaken(taken, step);
  }
}

/** Everything the file names is there and no value the file may write differs. */
async function isUnchanged(reads: WorklistImportStore, cmd: ImportWorklistItemCommand, found: Found): Promise<boolean> {
  const input = cmd.order.procedures[0];
  const { order, procedure } = found;
  const steps = input.steps.map((s) => found.steps.find((o) => o.spsId === s.spsId));
  if (!order || !procedure || !steps.every(Boolean)) return false;
  const differs = await Promise.all([
    found.ownsOrder && reads.orderDiffers(order.ref, cmd.order, cmd.visit),
    found.ownsProcedure && reads.procedureDiffers(procedure.ref, input),
    ...input.steps.map((s, i) => reads.stepDiffers(steps[i]!.stepRef, s)),
  ]);
  return !differs.some(Boolean);
}

/**
 * The store as the order use case sees it for a file: the patient row, when there is one, is
 * left as it is, and the order is the one the import's keys found (or none yet).
 */
function importView(store: WorkflowStore, { patientRef, order }: Found): WorkflowStore {
  const overrides: Partial<WorkflowStore> = {
    upsertPatient: async (d) => patientRef ?? store.upsertPatient(d),
    findOrder: async (key) => order ?? (key.accessionNumber ? store.findOrder(key) : null),
    createOrder: async (...args) => (order ? null : store.createOrder(...args)),
  };
  return new Proxy(store, {
    get: (target, key) => {
      const own = overrides[key as keyof WorkflowStore];
      if (own) return own;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** An order the file shares with other steps: found by its keys, its values left alone. */
function orderKeys(g: ImportWorklistItemCommand['order']): OrderGroupCommand {
  return { event: g.event, accessionNumber: g.accessionNumber, procedures: [], origin: g.origin };
}

function procedureKeys(p: ImportedProcedureInput): ImportedProcedureInput {
  return { requestedProcedureId: p.requestedProcedureId, studyInstanceUid: p.studyInstanceUid, steps: p.steps, origin: p.origin };
}

function refusal(message: string, subject: ErrorSubject): DomainError {
  return new DomainError(DomainErrorCode.DuplicateOrder, message, subject);
}

/** Names the creator for the edge: the file (its name is no patient data), or only the kind of source. */
function stepTaken(taken: StepOrigin, step: ImportedStepInput): DomainError {
  const by = taken.createdBy;
  const ref: Record<string, string> = { step: taken.stepRef, createdBy: by?.kind ?? 'unknown' };
  if (by?.kind === 'import') ref.file = by.ref;
  return new DomainError(DomainErrorCode.DuplicateOrder, 'procedure step created by another source', subjectOf('procedure-step', 'spsId', step.origin), ref);
}
