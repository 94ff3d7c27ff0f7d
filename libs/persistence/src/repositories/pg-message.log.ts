import type { Pool } from 'pg';
import {
  ACCEPTING_ACK_CODES, MessageChange, MessageLog, MessageLogEntry, MessageLogFilter, MessageOutcome, MessageLogWarning, messageOutcome,
  RawMessage, StoredMessage,
} from '@radflow/domain';

const ENTRY_COLUMNS = `id, received_at, peer, sending_application, sending_facility, control_id, message_type, version, charset,
  ack_code, error_code, error_text, warnings`;

/** Outcome → SQL over (ack_code, warnings), the same rule as messageOutcome. */
const OUTCOME_SQL: Record<MessageOutcome, string> = {
  applied: `ack_code = ANY($codes_accepting) AND warnings = '[]'::jsonb`,
  warning: `ack_code = ANY($codes_accepting) AND warnings <> '[]'::jsonb`,
  refused: `NOT (ack_code = ANY($codes_accepting))`,
};

/** The message log in hl7_messages and study_transitions, read on a pool of its own. */
export class PgMessageLog implements MessageLog {
  constructor(private readonly pool: Pool) {}

  async list(f: MessageLogFilter): Promise<MessageLogEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('$?', `$${params.length}`));
    };
    if (f.since) add('received_at >= $?', f.since);
    if (f.sendingApplication !== undefined) add(`split_part(sending_application, '^', 1) = $?`, f.sendingApplication);
    if (f.sendingFacility !== undefined) add(`split_part(sending_facility, '^', 1) = $?`, f.sendingFacility);
    if (f.controlId !== undefined) add('control_id = $?', f.controlId);
    if (f.outcome) {
      params.push(ACCEPTING_ACK_CODES);
      where.push(OUTCOME_SQL[f.outcome].replace('$codes_accepting', `$${params.length}`));
    }
    params.push(f.limit);
    const { rows } = await this.pool.query(
      `SELECT ${ENTRY_COLUMNS} FROM hl7_messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY received_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  async rawMessages(ids: readonly string[]): Promise<RawMessage[]> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return [];
    const { rows } = await this.pool.query('SELECT id, raw, charset FROM hl7_messages WHERE id = ANY($1::uuid[])', [valid]);
    return rows.map((r) => ({ id: r.id, raw: r.raw, charset: r.charset }));
  }

  async find(id: string): Promise<StoredMessage | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${ENTRY_COLUMNS}, raw, ack FROM hl7_messages WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    const changes = await this.pool.query(
      `SELECT t.at, t.procedure_ref, t.step_ref, t.from_status, t.to_status, t.event, o.accession_number, s.sps_id
         FROM study_transitions t
         JOIN requested_procedures r ON r.id = t.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref
         LEFT JOIN scheduled_procedure_steps s ON s.id = t.step_ref
        WHERE t.source_kind = 'hl7' AND t.source_ref = $1
        ORDER BY t.id`,
      [id],
    );
    return { ...toEntry(rows[0]), raw: rows[0].raw, ack: rows[0].ack, changes: changes.rows.map(toChange) };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Not a uuid cannot be a message id; asking Postgres would fail the cast instead. */
function isUuid(id: string): boolean {
  return UUID.test(id);
}

function toEntry(r: any): MessageLogEntry {
  const warnings = Array.isArray(r.warnings) ? r.warnings.map(toWarning) : [];
  return {
    id: r.id, receivedAt: r.received_at, peer: r.peer, sendingApplication: r.sending_application, sendingFacility: r.sending_facility,
    controlId: r.control_id, messageType: r.message_type, version: r.version, charset: r.charset, ackCode: r.ack_code,
    outcome: messageOutcome(r.ack_code, warnings.length), warnings,
    error: r.error_code !== null || r.error_text !== null ? { code: r.error_code, text: r.error_text } : null,
  };
}

/** Tolerates a location stored as an object ({segment, sequence, field}) as well as as text. */
function toWarning(w: any): MessageLogWarning {
  const location = typeof w?.location === 'string' ? w.location : w?.location ? locationText(w.location) : '';
  return { code: String(w?.code ?? ''), location, text: String(w?.text ?? '') };
}

function locationText(l: Record<string, unknown>): string {
  return [l.segment, l.sequence, l.field, l.component].filter((p) => p !== undefined && p !== null).join('^');
}

function toChange(r: any): MessageChange {
  return {
    at: r.at, procedureRef: r.procedure_ref, stepRef: r.step_ref, from: r.from_status, to: r.to_status, event: r.event,
    accessionNumber: r.accession_number, spsId: r.sps_id,
  };
}
