/** Site choices for order handling (set from configuration at the edge). */
export interface OrderPolicy {
  /** A second NW for an order that exists: refuse it (AE) or treat it as a change. */
  newOrderWhenExists: 'reject' | 'update';
  /** Root for generated Study Instance UIDs; undefined → 2.25 UUID form. */
  uidRoot?: string;
  /**
   * An NW without an accession number: refused (REQUIRED_FIELD_MISSING), or accepted, the order
   * then being known by its placer order number (Accession Number is Type 2 in the worklist).
   */
  missingAccession?: 'refuse' | 'accept';
}

