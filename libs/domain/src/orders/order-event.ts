import { StepEvent } from '../lifecycle/step-lifecycle';

/** What one order of an order message asks for (the HL7 edge maps order control codes to it). */
export const OrderEvent = {
  Place: StepEvent.Placed,
  Change: StepEvent.Changed,
  ChangeCompleted: StepEvent.ChangedCompleted,
  Cancel: StepEvent.Cancelled,
  Discontinue: StepEvent.Discontinued,
  Hold: StepEvent.Held,
  Release: StepEvent.Released,
  StatusScheduled: StepEvent.StatusScheduled,
  StatusStarted: StepEvent.StatusStarted,
  StatusCompleted: StepEvent.StatusCompleted,
} as const;
export type OrderEvent = (typeof OrderEvent)[keyof typeof OrderEvent];

/** Events that change an order's data (and create what it names), as opposed to moving its steps. */
export const ORDER_DATA_EVENTS: ReadonlySet<OrderEvent> = new Set([OrderEvent.Place, OrderEvent.Change, OrderEvent.ChangeCompleted]);
