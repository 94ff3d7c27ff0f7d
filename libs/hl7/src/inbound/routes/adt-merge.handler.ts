import { mergePatients, TransactionContext } from '@radflow/domain';
import { toAdtCommand } from '../../mapping';
import { originOf } from '../../mapping/mapping.errors';
import { Hl7Message } from '../../parser';
import { noteUnknownPrior, unknownPriorPolicy } from './adt-prior-patient';
import { Hl7RouteContext, Hl7RouteHandler } from './hl7-route-handler';

/**
 * Patient merges (hl7-inbound.md §7): A40, and the older A34/A36, one PID+MRG pair at a time. A35
 * (account numbers only) is read and checked like them but leaves the patients as they are.
 */
export class AdtMergeHandler implements Hl7RouteHandler {
  readonly name = 'adt-merge';
  readonly types = ['A34', 'A35', 'A36', 'A40'].map((e) => `ADT^${e}`);

  async apply(tx: TransactionContext, msg: Hl7Message, ctx: Hl7RouteContext): Promise<void> {
    const cmd = toAdtCommand(msg, ctx.mapping);
    if (cmd.kind !== 'merge') return;
    for (const pair of cmd.pairs) {
      noteUnknownPrior(await mergePatients(unknownPriorPolicy(ctx.warnings))(tx, pair, ctx.source), originOf(pair.origin), ctx.warnings);
    }
  }
}
