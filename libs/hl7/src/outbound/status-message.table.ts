import { ChangeSource, SpsStatus, StepEvent } from '@radflow/domain';

/** ORC-1 (table 0119): SC status changed; OC order cancelled by the filler (IHE RAD-3). */
export type StatusOrderControl = 'SC' | 'OC';
/** ORC-5 (table 0038): IP in process, CM completed, DC discontinued, CA cancelled. */
export type StatusOrderStatus = 'IP' | 'CM' | 'DC' | 'CA';

export interface OrderStatusCodes {
  orderControl: StatusOrderControl;
  orderStatus: StatusOrderStatus;
}

/**
 * One cell: the status to send, and whether it is an echo when the change came in over HL7 (the
 * RIS told us; telling it back would make it re-apply its own change, or loop).
 */
export interface StatusMessageRule extends OrderStatusCodes {
  echoWhenFromHl7: boolean;
}

const S = SpsStatus;
const E = StepEvent;
const IP: StatusMessageRule = { orderControl: 'SC', orderStatus: 'IP', echoWhenFromHl7: false };
const CM: StatusMessageRule = { orderControl: 'SC', orderStatus: 'CM', echoWhenFromHl7: false };
const DC: StatusMessageRule = { orderControl: 'SC', orderStatus: 'DC', echoWhenFromHl7: false };
const echo = (rule: StatusMessageRule): StatusMessageRule => ({ ...rule, echoWhenFromHl7: true });
// A filler-side cancel is ORC-1 OC, not SC (mpps-and-status.md §4).
const CA: StatusMessageRule = { orderControl: 'OC', orderStatus: 'CA', echoWhenFromHl7: true };

/**
 * (event, state the step moved to) → the status message for the RIS (IHE RAD-3, mpps-and-status.md §4).
 * Data, not code: a pair not listed sends nothing. What the modality did (performed.*) is news to
 * the RIS whatever else happened; what an order event did is news only when it did not come from
 * the RIS (an analyst's cancel, a REST call); the RIS's own status reports (order.status-*) never are.
 * Check-in, hold and release are not RAD-3 statuses and send nothing.
 */
export const STATUS_MESSAGES: Readonly<Record<StepEvent, Partial<Record<SpsStatus, StatusMessageRule>>>> = {
  [E.Placed]: {},
  [E.Changed]: {},
  [E.ChangedCompleted]: { [S.Completed]: echo(CM) },
  [E.Cancelled]: { [S.Canceled]: CA, [S.Discontinued]: echo(DC) },
  [E.Discontinued]: { [S.Discontinued]: echo(DC) },
  [E.Held]: {},
  [E.Released]: {},
  [E.StatusScheduled]: {},
  [E.StatusStarted]: {},
  [E.StatusCompleted]: {},
  [E.CheckedIn]: {},
  [E.CheckInUndone]: {},
  [E.PerformedStarted]: { [S.Started]: IP },
  [E.PerformedCompleted]: { [S.Completed]: CM },
  [E.PerformedDiscontinued]: { [S.Discontinued]: DC },
  [E.PerformedPartial]: { [S.Completed]: CM },
};

/**
 * The status to send for a step that moved to `to` on `event`, or null for none. Call it for
 * changes only: an event that left the step where it was sends nothing.
 */
export function statusMessageFor(event: StepEvent, to: SpsStatus, source: ChangeSource['kind']): OrderStatusCodes | null {
  const rule = STATUS_MESSAGES[event]?.[to];
  if (!rule || (rule.echoWhenFromHl7 && source === 'hl7')) return null;
  return { orderControl: rule.orderControl, orderStatus: rule.orderStatus };
}
