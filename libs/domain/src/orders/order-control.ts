import { SpsStatus } from '../procedure-steps';

/** What an ORC group asks us to do. */
export const OrderAction = {
  Create: 'create',
  Update: 'update',
  Cancel: 'cancel',
  Discontinue: 'discontinue',
  Hold: 'hold',
  Release: 'release',
  StatusChange: 'status',
  /** Replies and number assignments: logged and acknowledged, no worklist change. */
  None: 'none',
} as const;
export type OrderAction = (typeof OrderAction)[keyof typeof OrderAction];

export interface OrderControlRule {
  /** ORC-1 (HL7 table 0119) */
  control: string;
  /** ORC-5 (HL7 table 0038); '*' matches any value including empty */
  status: string;
  action: OrderAction;
  /** Step status after the action; undefined keeps the current one. */
  spsStatus?: SpsStatus;
}

/**
 * ORC-1 × ORC-5 → action. Data, not code: a superset of dcm4chee-arc-light's default
 * hl7OrderSPSStatus table (hl7-orders-to-mwl.md §3). The first matching row wins, so exact
 * statuses come before the '*' row of the same control code.
 */
export const ORDER_CONTROL_TABLE: readonly OrderControlRule[] = [
  { control: 'NW', status: '*', action: OrderAction.Create, spsStatus: SpsStatus.Scheduled },
  { control: 'XO', status: 'CM', action: OrderAction.Update, spsStatus: SpsStatus.Completed },
  { control: 'XO', status: '*', action: OrderAction.Update },
  { control: 'CA', status: '*', action: OrderAction.Cancel, spsStatus: SpsStatus.Canceled },
  { control: 'OC', status: '*', action: OrderAction.Cancel, spsStatus: SpsStatus.Canceled },
  { control: 'CR', status: '*', action: OrderAction.Cancel, spsStatus: SpsStatus.Canceled },
  { control: 'DC', status: '*', action: OrderAction.Discontinue, spsStatus: SpsStatus.Discontinued },
  { control: 'OD', status: '*', action: OrderAction.Discontinue, spsStatus: SpsStatus.Discontinued },
  { control: 'DR', status: '*', action: OrderAction.Discontinue, spsStatus: SpsStatus.Discontinued },
  { control: 'HD', status: '*', action: OrderAction.Hold },
  { control: 'OH', status: '*', action: OrderAction.Hold },
  { control: 'RL', status: '*', action: OrderAction.Release },
  { control: 'OE', status: '*', action: OrderAction.Release },
  { control: 'SC', status: 'SC', action: OrderAction.StatusChange, spsStatus: SpsStatus.Scheduled },
  { control: 'SC', status: 'IP', action: OrderAction.StatusChange, spsStatus: SpsStatus.Started },
  { control: 'SC', status: 'CM', action: OrderAction.StatusChange, spsStatus: SpsStatus.Completed },
  { control: 'SC', status: 'A', action: OrderAction.StatusChange, spsStatus: SpsStatus.Completed },
  { control: 'SC', status: 'CA', action: OrderAction.StatusChange, spsStatus: SpsStatus.Canceled },
  { control: 'SC', status: 'DC', action: OrderAction.StatusChange, spsStatus: SpsStatus.Discontinued },
  { control: 'SN', status: '*', action: OrderAction.None },
  { control: 'NA', status: '*', action: OrderAction.None },
  { control: 'OK', status: '*', action: OrderAction.None },
  { control: 'UA', status: '*', action: OrderAction.None },
  { control: 'UC', status: '*', action: OrderAction.None },
  { control: 'XR', status: '*', action: OrderAction.None },
  { control: 'UX', status: '*', action: OrderAction.None },
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
