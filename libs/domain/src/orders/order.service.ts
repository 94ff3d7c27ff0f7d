import { DomainError, DomainErrorCode } from '../common';
import { FINAL_SPS_STATUSES, SpsStatus } from '../procedure-steps';
import { ChangeSource, OrderRecord, ProcedureRecord, StepRecord, WorkflowStore } from '../workflow';
import { findOrderControlRule, ORDER_CONTROL_TABLE, OrderAction, OrderControlRule } from './order-control';
import { OrderGroupCommand, PlaceOrdersCommand, ProcedureStepInput, RequestedProcedureInput } from './order-commands';
import { OrderPolicy } from './order-policy';
import { generateUid } from './uid-generator';

/**
 * Steps in these states were called off: a change (XO) to them would edit an item nobody will
 * perform and tell the sender it worked. A completed step may still get its attributes changed
 * (XO with status CM, hl7-orders-to-mwl.md §3).
 */
const CALLED_OFF_STATUSES: ReadonlySet<SpsStatus> = new Set([SpsStatus.Canceled, SpsStatus.Discontinued]);

export interface OrderOutcome {
  orders: number;
  stepsCreated: number;
  stepsChanged: number;
}

/** Applies an order message (all its ORC groups) inside the caller's transaction. */
export class OrderService {
  constructor(private readonly policy: OrderPolicy) {}

  async apply(store: WorkflowStore, cmd: PlaceOrdersCommand, source: ChangeSource): Promise<OrderOutcome> {
    const outcome: OrderOutcome = { orders: 0, stepsCreated: 0, stepsChanged: 0 };
    const patientRef = await store.upsertPatient(cmd.patient);
    const createdHere = new Set<string>();
    for (const group of cmd.groups) {
      const rule = this.ruleFor(group);
      if (rule.action === OrderAction.None) continue;
      const run = new GroupRun(store, cmd, group, rule, patientRef, source, outcome, this.policy, createdHere);
      await run.execute();
      outcome.orders++;
    }
    return outcome;
  }

  private ruleFor(group: OrderGroupCommand): OrderControlRule {
    const rule = findOrderControlRule(group.control, group.orderStatus);
    if (rule) return rule;
    const known = ORDER_CONTROL_TABLE.some((r) => r.control === group.control.toUpperCase());
    const field = known ? 5 : 1;
    throw new DomainError(DomainErrorCode.InvalidValue, `order control ${group.control}/${group.orderStatus ?? ''} not supported`, { ...group.source, field });
  }
}

/** One ORC group: finds or creates the order, then acts on its procedures and steps. */
class GroupRun {
  constructor(
    private readonly store: WorkflowStore,
    private readonly cmd: PlaceOrdersCommand,
    private readonly group: OrderGroupCommand,
    private readonly rule: OrderControlRule,
    private readonly patientRef: string,
    private readonly source: ChangeSource,
    private readonly outcome: OrderOutcome,
    private readonly policy: OrderPolicy,
    private readonly createdHere: Set<string>,
  ) {}

  async execute(): Promise<void> {
    if (this.rule.action === OrderAction.Create) return this.create();
    const order = await this.findOrder();
    if (!order) throw new DomainError(DomainErrorCode.UnknownOrder, 'order not found', { ...this.group.source, field: 2 });
    if (order.patientRef !== this.patientRef) await this.store.updateOrder(order.ref, this.patientRef, this.group, this.cmd.visit);
    if (this.rule.action === OrderAction.Update) return this.update(order);
    return this.changeState(order);
  }

  private async create(): Promise<void> {
    if (!this.group.accessionNumber) {
      if (this.policy.missingAccession !== 'accept') {
        throw new DomainError(DomainErrorCode.RequiredFieldMissing, 'accession number missing', this.group.procedures[0]?.source ?? this.group.source);
      }
      // Without an accession only the placer number tells a resent NW from a new order.
      const known = this.group.placerOrderNumber ? await this.findOrder() : null;
      if (known) return this.createExisting(known);
    }
    const created = await this.store.createOrder(this.patientRef, this.cmd.sendingApplication, this.group, this.cmd.visit);
    if (created) {
      this.createdHere.add(created.ref);
      return this.upsertProcedures(created, 'order.new', true);
    }
    return this.createExisting((await this.findOrder())!);
  }

  /** An NW for an order we have: refused, or a change, per policy (an earlier group of this message made it: a change). */
  private async createExisting(existing: OrderRecord): Promise<void> {
    if (!this.createdHere.has(existing.ref) && this.policy.newOrderWhenExists === 'reject') {
      throw new DomainError(DomainErrorCode.DuplicateOrder, 'order already exists', { ...this.group.source, field: 2 });
    }
    await this.store.updateOrder(existing.ref, this.patientRef, this.group, this.cmd.visit);
    await this.upsertProcedures(existing, 'order.new', false);
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
    await this.upsertProcedures(order, 'order.changed', false);
  }

  /** An order whose every step was cancelled or discontinued can no longer be changed. */
  private async refuseWhenCalledOff(order: OrderRecord): Promise<void> {
    const steps: StepRecord[] = [];
    for (const procedure of await this.store.findProcedures(order.ref)) steps.push(...(await this.store.findSteps(procedure.ref)));
    if (steps.length > 0 && steps.every((s) => CALLED_OFF_STATUSES.has(s.status))) throw this.calledOff(steps[0].status);
  }

  private calledOff(status: SpsStatus): DomainError {
    return new DomainError(DomainErrorCode.InvalidTransition, `order is ${status}: cannot apply ${this.group.control}`, { ...this.group.source, field: 1 });
  }

  /** `isNew`: the order was created by this group, so it has no procedures to look up yet. */
  private async upsertProcedures(order: OrderRecord, event: string, isNew: boolean): Promise<void> {
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
      await this.upsertSteps(procedure, input, event, isNewProcedure);
    }
  }

  private async defaultRpId(order: OrderRecord, known: ProcedureRecord[], count: number): Promise<string> {
    if (count === 1 && known.length === 1) return known[0].requestedProcedureId;
    if (count === 1 && known.length === 0 && order.accessionNumber !== '' && order.accessionNumber.length <= 16) return order.accessionNumber;
    return `RP${(await this.store.nextGeneratedNumber()).toString(36).toUpperCase()}`.slice(0, 16);
  }

  private async upsertSteps(procedure: ProcedureRecord, input: RequestedProcedureInput, event: string, isNew: boolean): Promise<void> {
    const steps = input.steps.length ? input.steps : [{} as ProcedureStepInput];
    const known = isNew ? [] : await this.store.findSteps(procedure.ref);
    for (const [index, stepInput] of steps.entries()) {
      const spsId = stepInput.spsId ?? defaultSpsId(procedure, known, steps.length, index);
      const step = known.find((s) => s.spsId === spsId);
      if (!step) {
        const status = this.rule.spsStatus ?? SpsStatus.Scheduled;
        const created = await this.store.createStep(procedure.ref, this.patientRef, { ...withSchedule(stepInput, this.cmd), spsId }, status);
        known.push(created);
        await this.transition(procedure, created, null, status, event);
        this.outcome.stepsCreated++;
        continue;
      }
      if (this.rule.action === OrderAction.Update && CALLED_OFF_STATUSES.has(step.status)) throw this.calledOff(step.status);
      await this.store.updateStep(step.ref, stepInput);
      this.outcome.stepsChanged++;
      const target = this.rule.spsStatus;
      if (target && target !== step.status && !FINAL_SPS_STATUSES.has(step.status)) {
        const from = step.status;
        await this.store.setStepState(step.ref, { status: target });
        await this.transition(procedure, step, from, target, event);
      } else {
        await this.store.addOutbox({ topic: 'procedure-step.changed', aggregateId: step.ref, payload: { procedureRef: procedure.ref, event } });
      }
    }
  }

  /** Cancel, discontinue, hold, release and status changes: for the procedures the group names, or all. */
  private async changeState(order: OrderRecord): Promise<void> {
    const all = await this.store.findProcedures(order.ref);
    const named = this.group.procedures.map((p) => p.requestedProcedureId).filter((id): id is string => !!id);
    const targets = named.length ? all.filter((p) => named.includes(p.requestedProcedureId)) : all;
    if (named.length && targets.length !== new Set(named).size) {
      throw new DomainError(DomainErrorCode.UnknownOrder, 'requested procedure not found', this.group.procedures[0]?.source ?? this.group.source);
    }
    for (const procedure of targets) {
      for (const step of await this.store.findSteps(procedure.ref)) await this.changeStep(procedure, step);
    }
  }

  private async changeStep(procedure: ProcedureRecord, step: StepRecord): Promise<void> {
    const event = `order.${this.rule.action}`;
    if (this.rule.action === OrderAction.Hold || this.rule.action === OrderAction.Release) {
      const held = this.rule.action === OrderAction.Hold;
      if (step.held === held || FINAL_SPS_STATUSES.has(step.status)) return;
      await this.store.setStepState(step.ref, { held });
      await this.store.addOutbox({ topic: 'procedure-step.changed', aggregateId: step.ref, payload: { procedureRef: procedure.ref, event } });
      this.outcome.stepsChanged++;
      return;
    }
    const target = this.rule.spsStatus!;
    if (step.status === target) return; // a resent cancel is not an error
    if (FINAL_SPS_STATUSES.has(step.status) || (this.rule.action === OrderAction.Cancel && step.status === SpsStatus.Started)) {
      throw new DomainError(DomainErrorCode.InvalidTransition, `step is ${step.status}: cannot apply ${this.group.control}`, { ...this.group.source, field: 1 });
    }
    const from = step.status;
    await this.store.setStepState(step.ref, { status: target, held: false });
    await this.transition(procedure, step, from, target, event);
    this.outcome.stepsChanged++;
  }

  private async transition(procedure: ProcedureRecord, step: StepRecord, from: SpsStatus | null, to: SpsStatus, event: string): Promise<void> {
    await this.store.recordTransition(
      { procedureRef: procedure.ref, stepRef: step.ref, from, to, event, source: this.source },
      { topic: 'procedure-step.changed', aggregateId: step.ref, payload: { procedureRef: procedure.ref, from, to, event } },
    );
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

