import { registerPatient, TransactionContext } from '@radflow/domain';
import { toAdtCommand } from '../../mapping';
import { Hl7Message } from '../../parser';
import { Hl7RouteContext, Hl7RouteHandler } from './hl7-route-handler';

/** ADT events that register or update a patient and the visit (hl7-inbound.md §7); ADT never creates worklist items. */
export class AdtPatientHandler implements Hl7RouteHandler {
  readonly name = 'adt-patient';
  readonly types = ['A01', 'A02', 'A03', 'A04', 'A05', 'A08', 'A11', 'A13', 'A28', 'A31'].map((e) => `ADT^${e}`);

  async apply(tx: TransactionContext, msg: Hl7Message, ctx: Hl7RouteContext): Promise<void> {
    const cmd = toAdtCommand(msg, ctx.mapping);
    if (cmd.kind !== 'upsert-patient' && cmd.kind !== 'update-visit') return;
    await registerPatient(tx, { patient: cmd.patient, visit: cmd.visit }, ctx.source);
  }
}
