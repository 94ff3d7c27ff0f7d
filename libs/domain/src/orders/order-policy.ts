/** Site choices for order handling (set from configuration at the edge). */
export interface OrderPolicy {
  /** A second NW for an order that exists: refuse it (AE) or treat it as a change. */
  newOrderWhenExists: 'reject' | 'update';
  /** Root for generated Study Instance UIDs; undefined → 2.25 UUID form. */
  uidRoot?: string;
}

