/** Who touched which data, from where (DESIGN.md §3). Details carry ids and counts, never PHI. */
export interface AuditEvent {
  /** user id, calling AE title, sending application … */
  actor: string;
  /** e.g. `mwl.query`, `patient.merge` */
  action: string;
  entity: string;
  entityId?: string;
  peer?: string;
  detail?: Record<string, unknown>;
}

export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
}

export const AUDIT_TRAIL = Symbol('AUDIT_TRAIL');
