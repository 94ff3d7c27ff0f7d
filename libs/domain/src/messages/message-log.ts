/**
 * Reading the log of inbound messages (DESIGN.md §3): what the CLI lists today and the REST API
 * will search later. Entries hold only what is not PHI (our ids, the sender's header ids, codes,
 * our own error text); the stored bytes come only with `find`, whose callers audit the access.
 */

/** What became of a message: applied as sent, applied with warnings, or refused. */
export type MessageOutcome = 'applied' | 'warning' | 'refused';

export const MESSAGE_OUTCOMES: readonly MessageOutcome[] = ['applied', 'warning', 'refused'];

/** ACK code → whether the message was accepted; an accepted message with warnings is a `warning`. */
export const ACK_CODE_ACCEPTED: Readonly<Record<string, boolean>> = { AA: true, CA: true, AE: false, AR: false, CE: false, CR: false };

export const ACCEPTING_ACK_CODES = Object.keys(ACK_CODE_ACCEPTED).filter((code) => ACK_CODE_ACCEPTED[code]);
export const REFUSING_ACK_CODES = Object.keys(ACK_CODE_ACCEPTED).filter((code) => !ACK_CODE_ACCEPTED[code]);

export function messageOutcome(ackCode: string, warningCount: number): MessageOutcome {
  if (!ACK_CODE_ACCEPTED[ackCode]) return 'refused';
  return warningCount > 0 ? 'warning' : 'applied';
}

/** Something accepted although it broke a rule; `text` is ours and PHI-free. */
export interface MessageLogWarning {
  code: string;
  /** Where in the message, e.g. `PID^1^7`. */
  location: string;
  text: string;
}

export interface MessageLogFilter {
  /** Received at or after. */
  since?: Date;
  /** Namespace id (first component) of the sending application, MSH-3. */
  sendingApplication?: string;
  /** Namespace id (first component) of the sending facility, MSH-4. */
  sendingFacility?: string;
  outcome?: MessageOutcome;
  controlId?: string;
  /** Newest first, at most this many. */
  limit: number;
}

export interface MessageLogEntry {
  id: string;
  receivedAt: Date;
  peer: string | null;
  sendingApplication: string;
  sendingFacility: string;
  controlId: string | null;
  messageType: string | null;
  version: string | null;
  charset: string | null;
  ackCode: string;
  outcome: MessageOutcome;
  warnings: MessageLogWarning[];
  error: { code: string | null; text: string | null } | null;
}

/** A history row the message wrote (a procedure step's status change). */
export interface MessageChange {
  at: Date;
  procedureRef: string;
  stepRef: string | null;
  from: string | null;
  to: string;
  event: string;
  /** The order's accession number and the step's id: values from the message, shown with it. */
  accessionNumber: string | null;
  spsId: string | null;
}

/** One message with its bytes as received, the ACK sent and the rows it changed. Holds PHI. */
export interface StoredMessage extends MessageLogEntry {
  raw: Buffer;
  ack: Buffer;
  changes: MessageChange[];
}

/** Port: the message log, read-only, outside any ingest transaction. */
export interface MessageLog {
  list(filter: MessageLogFilter): Promise<MessageLogEntry[]>;
  /** The bytes as received of each of these messages that exists (PHI: the caller audits). */
  rawMessages(ids: readonly string[]): Promise<RawMessage[]>;
  /** null when there is no message with this id (PHI: the caller audits). */
  find(id: string): Promise<StoredMessage | null>;
}

export interface RawMessage {
  id: string;
  raw: Buffer;
  charset: string | null;
}
