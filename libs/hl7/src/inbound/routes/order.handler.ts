import { OrderOutcome, OrderPolicy, placeOrders, PlaceOrdersCommand, TransactionContext, UseCase } from '@radflow/domain';
import { toPlaceOrdersCommand } from '../../mapping';
import { Hl7Message } from '../../parser';
import { LeniencyRule, SenderProfile } from '../sender-profile';
import { Hl7RouteContext, Hl7RouteHandler } from './hl7-route-handler';

type MissingAccession = NonNullable<OrderPolicy['missingAccession']>;

/** ORM^O01 (v2.3.1/2.4, IHE SWF) and OMI^O23 (v2.5.1, SWF.b): orders become worklist items. */
export class OrderHandler implements Hl7RouteHandler {
  readonly name = 'orders';
  readonly types = ['ORM^O01', 'OMI^O23'];
  /** One per profile answer to a second NW and to a missing accession; the use cases hold no state. */
  private readonly orders: Record<SenderProfile['newOrderWhenExists'], Record<MissingAccession, UseCase<PlaceOrdersCommand, OrderOutcome>>>;

  constructor(orderPolicy: OrderPolicy) {
    const service = (newOrderWhenExists: OrderPolicy['newOrderWhenExists'], missingAccession: MissingAccession) => placeOrders({ ...orderPolicy, newOrderWhenExists, missingAccession });
    this.orders = {
      reject: { refuse: service('reject', 'refuse'), accept: service('reject', 'accept') },
      update: { refuse: service('update', 'refuse'), accept: service('update', 'accept') },
    };
  }

  async apply(tx: TransactionContext, msg: Hl7Message, ctx: Hl7RouteContext): Promise<void> {
    const missingAccession = ctx.warnings.isLenient(LeniencyRule.MissingAccession) ? 'accept' : 'refuse';
    await this.orders[ctx.profile.newOrderWhenExists][missingAccession](tx, toPlaceOrdersCommand(msg, ctx.mapping), ctx.source);
  }
}
