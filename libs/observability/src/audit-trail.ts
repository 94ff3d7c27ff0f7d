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

/** Audit actions written by more than one place; the rest are literals beside their one writer. */
export const AuditAction = {
  /** Someone saw the PHI of stored HL7 messages (raw bytes, decoded text, patient id or name). */
  MessageLogPhiAccess: 'message-log.phi-access',
} as const;

export interface MessageLogPhiAccess {
  /** Who looked: the signed-in user, or the OS user of a CLI run. */
  user: string;
  /** Where from: the HTTP client address, or `cli@<host>`. */
  peer?: string;
  /** `list`: patient ids and names beside a list; `message`: one whole message. */
  view: 'list' | 'message';
  /** Our ids of the messages shown, never their content. */
  messageIds: readonly string[];
}

/** The audit row for message-log PHI: one per view, naming every message shown. */
export function messageLogPhiAccessEvent(a: MessageLogPhiAccess): AuditEvent {
  return {
    actor: a.user,
    action: AuditAction.MessageLogPhiAccess,
    entity: 'hl7_message',
    entityId: a.messageIds.length === 1 ? a.messageIds[0] : undefined,
    peer: a.peer,
    detail: { view: a.view, count: a.messageIds.length, messageIds: [...a.messageIds] },
  };
}
