import { OrderOutcome, OrderPolicy, OrderService, PlaceOrdersCommand } from '../orders';
import { UseCase } from './use-case';

/** Place, change, cancel, discontinue, hold, release or report the status of the orders of one message or request. */
export function placeOrders(policy: OrderPolicy): UseCase<PlaceOrdersCommand, OrderOutcome> {
  const service = new OrderService(policy);
  return (tx, cmd, source) => service.apply(tx.workflow, cmd, source);
}
