import { InboundMessageRecord, InboundMessageStore, MessageAlreadyStored, MessageKey, PendingApplicationAck, StoredAck } from '@radflow/domain';
import { isUniqueViolation, Sql, SqlSession, SqlWrite } from './sql';

type Key = MessageKey;

export class PgMessageStore implements InboundMessageStore {
  private readonly sql: Sql;
  private readonly write: SqlWrite;

  constructor(db: SqlSession) {
    this.sql = db.query;
    this.write = db.write;
  }

  async findDuplicate(k: Key): Promise<StoredAck | null> {
    const rows = await this.sql<{ id: string; ack_code: string; ack: Buffer }>(
      `SELECT id, ack_code, ack FROM hl7_messages
        WHERE sending_application = $1 AND sending_facility = $2 AND control_id = $3 AND payload_sha256 = $4`,
      [k.sendingApplication, k.sendingFacility, k.controlId, k.payloadSha256],
    );
    return rows[0] ? { messageRef: rows[0].id, ackCode: rows[0].ack_code, ack: rows[0].ack } : null;
  }

  async controlIdSeenWithOtherContent(k: Key): Promise<boolean> {
    const rows = await this.sql(
      `SELECT 1 FROM hl7_messages
        WHERE sending_application = $1 AND sending_facility = $2 AND control_id = $3 AND payload_sha256 <> $4 LIMIT 1`,
      [k.sendingApplication, k.sendingFacility, k.controlId, k.payloadSha256],
    );
    return rows.length > 0;
  }

  /**
   * Sent with the COMMIT, not before it. A resend hits the unique key; the error aborts the whole
   * transaction (so nothing it changed is kept) and comes back as MessageAlreadyStored.
   */
  async insert(r: InboundMessageRecord): Promise<void> {
    this.write(
      `INSERT INTO hl7_messages (id, peer, sending_application, sending_facility, control_id, message_type, version, charset,
                                 raw, payload_sha256, ack_code, ack, error_code, error_text, warnings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb)`,
      [r.id, r.peer, r.sendingApplication, r.sendingFacility, r.controlId, r.messageType, r.version, r.charset,
        r.raw, r.payloadSha256, r.ack.ackCode, r.ack.ack, r.ack.errorCode, r.ack.errorText, JSON.stringify(r.warnings ?? [])],
      (e) => (isUniqueViolation(e, 'hl7_messages_sender_control_id_payload') ? new MessageAlreadyStored() : e),
    );
  }

  insertApplicationAck(a: PendingApplicationAck): Promise<void> {
    this.write(`INSERT INTO hl7_application_acks (message_id, url, profile, ack_code, ack) VALUES ($1, $2, $3, $4, $5)`, [a.messageRef, a.url, a.profile, a.ackCode, a.ack]);
    return Promise.resolve();
  }

  markApplicationAckSent(messageRef: string): Promise<void> {
    this.write(`UPDATE hl7_application_acks SET sent_at = now() WHERE message_id = $1 AND sent_at IS NULL`, [messageRef]);
    return Promise.resolve();
  }

  async pendingApplicationAcks(limit: number): Promise<PendingApplicationAck[]> {
    const rows = await this.sql<{ message_id: string; url: string; profile: string; ack_code: string; ack: Buffer; control_id: string | null }>(
      `SELECT a.message_id, a.url, a.profile, a.ack_code, a.ack, m.control_id
         FROM hl7_application_acks a JOIN hl7_messages m ON m.id = a.message_id
        WHERE a.sent_at IS NULL ORDER BY a.created_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ messageRef: r.message_id, url: r.url, profile: r.profile, ackCode: r.ack_code, ack: r.ack, controlId: r.control_id }));
  }
}
