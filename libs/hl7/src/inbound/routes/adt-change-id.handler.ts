import { renamePatient, TransactionContext } from '@radflow/domain';
import { toAdtCommand } from '../../mapping';
import { originOf } from '../../mapping/mapping.errors';
import { Hl7Message } from '../../parser';
import { noteUnknownPrior, unknownPriorPolicy } from './adt-prior-patient';
import { Hl7RouteContext, Hl7RouteHandler } from './hl7-route-handler';

/**
 * Identifier changes (hl7-inbound.md §7): A47, and A46/A49 from senders that use them; an A49 that
 * names no prior patient ID changes an account number only and leaves the patients as they are.
 */
export class AdtChangeIdHandler implements Hl7RouteHandler {
  readonly name = 'adt-change-id';
  readonly types = ['A46', 'A47', 'A49'].map((e) => `ADT^${e}`);

  async apply(tx: TransactionContext, msg: Hl7Message, ctx: Hl7RouteContext): Promise<void> {
    const cmd = toAdtCommand(msg, ctx.mapping);
    if (cmd.kind !== 'change-id') return;
    for (const pair of cmd.pairs) {
      noteUnknownPrior(await renamePatient(unknownPriorPolicy(ctx.warnings))(tx, pair, ctx.source), originOf(pair.origin), ctx.warnings);
    }
  }
}
