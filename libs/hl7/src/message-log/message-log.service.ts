import { MessageChange, MessageLog, MessageLogEntry, MessageLogFilter } from '@radflow/domain';
import { AuditTrail, messageLogPhiAccessEvent } from '@radflow/observability';
import { decodeStoredMessage, DecodedStoredMessage, NamedPatient, patientsNamedIn } from './stored-message.reader';

/** Who is asking to see PHI, for the audit row. */
export interface PhiAccess {
  user: string;
  peer?: string;
}

/** A listed message; `patients` only when PHI was asked for (and audited). */
export interface ListedMessage extends MessageLogEntry {
  patients?: NamedPatient[];
}

/** One message in full: PHI by nature. */
export interface MessageDetail extends MessageLogEntry {
  raw: Buffer;
  decoded: DecodedStoredMessage;
  ack: DecodedStoredMessage;
  patients: NamedPatient[];
  changes: MessageChange[];
}

/**
 * The message log as people read it (CLI today, REST later): lists carry no PHI unless asked for,
 * and every view that shows PHI is written to the audit trail before anything is shown. Should
 * the audit row fail, the PHI is not shown.
 */
export class MessageLogService {
  constructor(
    private readonly log: MessageLog,
    private readonly audit: AuditTrail,
  ) {}

  async list(filter: MessageLogFilter, phi?: PhiAccess): Promise<ListedMessage[]> {
    const entries = await this.log.list(filter);
    if (!phi || entries.length === 0) return entries;
    const raws = new Map((await this.log.rawMessages(entries.map((e) => e.id))).map((m) => [m.id, m]));
    await this.audit.record(messageLogPhiAccessEvent({ ...phi, view: 'list', messageIds: entries.map((e) => e.id) }));
    return entries.map((e) => {
      const stored = raws.get(e.id);
      return { ...e, patients: stored ? patientsNamedIn(decodeStoredMessage(stored.raw, stored.charset).text) : [] };
    });
  }

  /** null when there is no such message (nothing shown, nothing audited). */
  async show(id: string, phi: PhiAccess): Promise<MessageDetail | null> {
    const stored = await this.log.find(id);
    if (!stored) return null;
    await this.audit.record(messageLogPhiAccessEvent({ ...phi, view: 'message', messageIds: [stored.id] }));
    const decoded = decodeStoredMessage(stored.raw, stored.charset);
    return {
      ...stored,
      decoded,
      ack: decodeStoredMessage(stored.ack, stored.charset),
      patients: patientsNamedIn(decoded.text),
    };
  }
}
