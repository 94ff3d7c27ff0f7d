import { OrderEvent } from '@radflow/domain';

/** What an ORC group means for us: a domain order event, or nothing (replies and number assignments). */
export type OrderControlMeaning = OrderEvent | 'none';

export interface OrderControlRule {
  /** ORC-1 (HL7 table 0119) */
  control: string;
  /** ORC-5 (HL7 table 0038); '*' matches any value including empty */
  status: string;
  event: OrderControlMeaning;
}

/**
 * ORC-1 × ORC-5 → domain order event. Data, not code: a superset of dcm4chee-arc-light's default
 * hl7OrderSPSStatus table (hl7-orders-to-mwl.md §3). The first matching row wins, so exact
 * statuses come before the '*' row of the same control code. What each event does to a step in
 * each state is the domain's lifecycle table, not this one.
 */
export const ORDER_CONTROL_TABLE: readonly OrderControlRule[] = [
  { control: 'NW', status: '*', event: OrderEvent.Place },
  { control: 'XO', status: 'CM', event: OrderEvent.ChangeCompleted },
  { control: 'XO', status: '*', event: OrderEvent.Change },
  { control: 'CA', status: '*', event: OrderEvent.Cancel },
  { control: 'OC', status: '*', event: OrderEvent.Cancel },
  { control: 'CR', status: '*', event: OrderEvent.Cancel },
  { control: 'DC', status: '*', event: OrderEvent.Discontinue },
  { control: 'OD', status: '*', event: OrderEvent.Discontinue },
  { control: 'DR', status: '*', event: OrderEvent.Discontinue },
  { control: 'HD', status: '*', event: OrderEvent.Hold },
  { control: 'OH', status: '*', event: OrderEvent.Hold },
  { control: 'RL', status: '*', event: OrderEvent.Release },
  { control: 'OE', status: '*', event: OrderEvent.Release },
  { control: 'SC', status: 'SC', event: OrderEvent.StatusScheduled },
  { control: 'SC', status: 'IP', event: OrderEvent.StatusStarted },
  { control: 'SC', status: 'CM', event: OrderEvent.StatusCompleted },
  { control: 'SC', status: 'A', event: OrderEvent.StatusCompleted },
  { control: 'SC', status: 'CA', event: OrderEvent.Cancel },
  { control: 'SC', status: 'DC', event: OrderEvent.Discontinue },
  { control: 'SN', status: '*', event: 'none' },
  { control: 'NA', status: '*', event: 'none' },
  { control: 'OK', status: '*', event: 'none' },
  { control: 'UA', status: '*', event: 'none' },
  { control: 'UC', status: '*', event: 'none' },
  { control: 'XR', status: '*', event: 'none' },
  { control: 'UX', status: '*', event: 'none' },
];

/** The rule for an ORC-1/ORC-5 pair, or undefined when the pair is not in the table. */
export function findOrderControlRule(
  control: string,
  status: string | undefined,
  table: readonly OrderControlRule[] = ORDER_CONTROL_TABLE,
): OrderControlRule | undefined {
  const c = control.toUpperCase();
  const s = (status ?? '').toUpperCase();
  return table.find((r) => r.control === c && (r.status === '*' || r.status === s));
}

/** Whether ORC-1 is a code the table knows (then an unmatched pair is ORC-5's fault). */
export function isKnownOrderControl(control: string, table: readonly OrderControlRule[] = ORDER_CONTROL_TABLE): boolean {
  return table.some((r) => r.control === control.toUpperCase());
}
