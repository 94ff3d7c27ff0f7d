import { DomainError, DomainErrorCode, subjectOf } from '../common';
import { Lifecycle, StepEvent, stepTransition } from '../lifecycle';
import { SpsStatus } from '../procedure-steps';
import { ChangeSource, OrderRecord, ProcedureRecord, StepRecord, WorkflowStore } from '../workflow';
import { OrderGroupCommand, PlaceOrdersCommand, ProcedureStepInput, RequestedProcedureInput } from './order-commands';
import { OrderEvent } from './order-event';
import { OrderPolicy } from './order-policy';
import { generateUid } from './uid-generator';

export interface OrderOutcome {
  orders: number;
  stepsCreated: number;
  stepsChanged: number;
}

const DATA_EVENTS: ReadonlySet<OrderEvent> = new Set([OrderEvent.Change, OrderEvent.ChangeCompleted]);

/**
 * The order use cases (place, change, cancel, discontinue, hold, release, status reports) for all
 * orders of one message, inside the caller's transaction. Every step state change goes through
 * the lifecycle table; the study follows its steps.
 */
export class OrderService {
  constructor(private readonly policy: OrderPolicy) {}

  async apply(store: WorkflowStore, cmd: PlaceOrdersCommand, source: ChangeSource): Promise<OrderOutcome> {
    const outcome: OrderOutcome = { orders: 0, stepsCreated: 0, stepsChanged: 0 };
    const patientRef = await store.upsertPatient(cmd.patient);
    const createdHere = new Set<string>();
    for (const group of cmd.groups) {
      const run = new GroupRun(store, cmd, group, patientRef, source, outcome, this.policy, createdHere);
      await run.execute();
      outcome.orders++;
    }
    return outcome;
  }
}

/** One order of the message: finds or creates it, then acts on its procedures and steps. */
class GroupRun {
  private readonly touched = new Set<string>();

  constructor(
    private readonly store: WorkflowStore,
    private readonly cmd: PlaceOrdersCommand,
    private readonly group: OrderGroupCommand,
    private readonly patientRef: string,
    private readonly source: ChangeSource,
    private readonly outcome: OrderOutcome,
    private readonly policy: OrderPolicy,
    private readonly createdHere: Set<string>,
  ) {}

  async execute(): Promise<void> {
    if (this.group.event === OrderEvent.Place) await this.create();
    else {
      const order = await this.findOrder();
      if (!order) throw new DomainError(DomainErrorCode.UnknownOrder, 'order not found', subjectOf('order', 'placerOrderNumber', this.group.origin));
      if (order.patientRef !== this.patientRef) await this.store.updateOrder(order.ref, this.patientRef, this.group, this.cmd.visit);
      if (DATA_EVENTS.has(this.group.event)) await this.update(order);
      else await this.changeState(order);
    }
    for (const procedureRef of this.touched) await Lifecycle.settleStudy(this.store, procedureRef, this.group.event, this.source);
  }

  private async create(): Promise<void> {
    if (!this.group.accessionNumber) {
      if (this.policy.missingAccession !== 'accept') {
        throw new DomainError(DomainErrorCode.RequiredFieldMissing, 'accession number missing', subjectOf('order', 'accessionNumber', this.group.procedures[0]?.origin ?? this.group.origin));
      }
      // Without an accession only the placer number tells a resent order from a new one.
      const known = this.group.placerOrderNumber ? await this.findOrder() : null;
      if (known) return this.createExisting(known);
    }
    const created = await this.store.createOrder(this.patientRef, this.cmd.sendingApplication, this.group, this.cmd.visit);
    if (created) {
      this.createdHere.add(created.ref);
      return this.upsertProcedures(created, true);
    }
    return this.createExisting((await this.findOrder())!);
  }

  /** A new order we have already: refused, or a change, per policy (an earlier order of this message made it: a change). */
  private async createExisting(existing: OrderRecord): Promise<void> {
    if (!this.createdHere.has(existing.ref) && this.policy.newOrderWhenExists === 'reject') {
      throw new DomainError(DomainErrorCode.DuplicateOrder, 'order already exists', subjectOf('order', 'placerOrderNumber', this.group.origin));
    }
    await this.store.updateOrder(existing.ref, this.patientRef, this.group, this.cmd.visit);
    await this.upsertProcedures(existing, false);
  }

  private findOrder(): Promise<OrderRecord | null> {
    return this.store.findOrder({
      accessionNumber: this.group.accessionNumber,
      sendingApplication: this.cmd.sendingApplication,
      placerOrderNumber: this.group.placerOrderNumber,
    });
  }

  private async update(order: OrderRecord): Promise<void> {
    await this.refuseWhenCalledOff(order);
    await this.store.updateOrder(order.ref, this.patientRef, this.group, this.cmd.visit);
    await this.upsertProcedures(order, false);
  }

  /** An order whose every step was called off can no longer be changed (the table refuses a change to each). */
  private async refuseWhenCalledOff(order: OrderRecord): Promise<void> {
    const steps: StepRecord[] = [];
    for (const procedure of await this.store.findProcedures(order.ref)) steps.push(...(await this.store.findSteps(procedure.ref)));
    const refusals = steps.map((s) => stepTransition(s.status, StepEvent.Changed));
    if (steps.length > 0 && refusals.every((t) => t.kind === 'refuse')) throw this.calledOff(steps[0].status);
  }

  private calledOff(status: SpsStatus): DomainError {
    return new DomainError(DomainErrorCode.InvalidTransition, `order is ${status.toLowerCase()}: cannot change it`, subjectOf('order', 'event', this.group.origin));
  }

  /** `isNew`: the order was created by this group, so it has no procedures to look up yet. */
  private async upsertProcedures(order: OrderRecord, isNew: boolean): Promise<void> {
    const procedures = this.group.procedures.length ? this.group.procedures : [{ steps: [] } as RequestedProcedureInput];
    const known = isNew ? [] : await this.store.findProcedures(order.ref);
    for (const input of procedures) {
      const rpId = input.requestedProcedureId ?? (await this.defaultRpId(order, known, procedures.length));
      let procedure = known.find((p) => p.requestedProcedureId === rpId) ?? null;
      const isNewProcedure = !procedure;
      if (procedure) await this.store.updateProcedure(procedure.ref, input);
      else {
        const studyInstanceUid = input.studyInstanceUid ?? generateUid(this.policy.uidRoot);
        procedure = await this.store.createProcedure(order.ref, { ...input, requestedProcedureId: rpId, studyInstanceUid });
        known.push(procedure);
      }
      await this.upsertSteps(procedure, input, isNewProcedure);
    }
  }

  private async defaultRpId(order: OrderRecord, known: ProcedureRecord[], count: number): Promise<string> {
    if (count === 1 && known.length === 1) return known[0].requestedProcedureId;
    if (count === 1 && known.length === 0 && order.accessionNumber !== '' && order.accessionNumber.length <= 16) return order.accessionNumber;
    return `RP${(await this.store.nextGeneratedNumber()).toString(36).toUpperCase()}`.slice(0, 16);
  }

  private async upsertSteps(procedure: ProcedureRecord, input: RequestedProcedureInput, isNew: boolean): Promise<void> {
    const steps = input.steps.length ? input.steps : [{} as ProcedureStepInput];
    const known = isNew ? [] : await this.store.findSteps(procedure.ref);
    const event = this.group.event as StepEvent;
    for (const [index, stepInput] of steps.entries()) {
      const spsId = stepInput.spsId ?? defaultSpsId(procedure, known, steps.length, index);
      let step = known.find((s) => s.spsId === spsId);
      if (!step) {
        step = await this.store.createStep(procedure.ref, this.patientRef, { ...withSchedule(stepInput, this.cmd), spsId }, SpsStatus.Scheduled);
        known.push(step);
        await this.store.transitionStep({ procedureRef: procedure.ref, stepRef: step.ref, from: null, to: SpsStatus.Scheduled, event, source: this.source });
        this.touched.add(procedure.ref);
        this.outcome.stepsCreated++;
        // a new step in a change that says "completed" is completed like the others
        if (event !== StepEvent.Placed && event !== StepEvent.Changed) await Lifecycle.step(this.store, step, event, this.source, this.subject());
        continue;
      }
      const moved = await Lifecycle.step(this.store, step, event === StepEvent.Placed ? StepEvent.Changed : event, this.source, this.subject());
      await this.store.updateStep(step.ref, stepInput);
      this.outcome.stepsChanged++;
      if (moved.changed) this.touched.add(procedure.ref);
      else await this.store.addOutbox({ topic: 'procedure-step.changed', aggregateId: step.ref, payload: { procedureRef: procedure.ref, event } });
    }
  }

  /** Cancel, discontinue, hold, release and status reports: for the procedures the order names, or all. */
  private async changeState(order: OrderRecord): Promise<void> {
    const all = await this.store.findProcedures(order.ref);
    const named = this.group.procedures.map((p) => p.requestedProcedureId).filter((id): id is string => !!id);
    const targets = named.length ? all.filter((p) => named.includes(p.requestedProcedureId)) : all;
    if (named.length && targets.length !== new Set(named).size) {
      throw new DomainError(DomainErrorCode.UnknownOrder, 'requested procedure not found', subjectOf('requested-procedure', 'requestedProcedureId', this.group.procedures[0]?.origin ?? this.group.origin));
    }
    for (const procedure of targets) {
      for (const step of await this.store.findSteps(procedure.ref)) {
        const moved = await Lifecycle.step(this.store, step, this.group.event as StepEvent, this.source, this.subject());
        if (!moved.changed) continue;
        this.touched.add(procedure.ref);
        this.outcome.stepsChanged++;
      }
    }
  }

  private subject() {
    return subjectOf('order', 'event', this.group.origin);
  }
}

function defaultSpsId(procedure: ProcedureRecord, known: StepRecord[], count: number, index: number): string {
  if (count === 1 && known.length === 1) return known[0].spsId;
  if (count === 1 && known.length === 0) return procedure.requestedProcedureId;
  return `${procedure.requestedProcedureId.slice(0, 12)}.${index + 1}`;
}

/** A step without a start time is scheduled at the message time (dcm4chee uses "now"). */
function withSchedule(step: ProcedureStepInput, cmd: PlaceOrdersCommand): ProcedureStepInput {
  if (step.startDate || !cmd.messageTime) return step;
  return { ...step, startDate: cmd.messageTime.date, startTime: cmd.messageTime.time };
}
