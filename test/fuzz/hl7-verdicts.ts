import type { Pool } from 'pg';
import { preview, FuzzFailure, FuzzReport } from './fuzz-report';
import { REFUSALS, readAck } from './hl7-ack';
import type { Hl7Case } from './hl7-cases';
import type { WireResult } from './hl7-wire';

/** Rows that carry any of these identifiers, as "table:id". */
export async function rowsWithIds(sql: Pool, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql.query(
    `SELECT 'patient:' || patient_id AS row FROM patients WHERE patient_id = ANY($1)
     UNION ALL SELECT 'order:' || accession_number FROM imaging_orders WHERE accession_number = ANY($1)
     UNION ALL SELECT 'procedure:' || requested_procedure_id FROM requested_procedures WHERE requested_procedure_id = ANY($1)
     UNION ALL SELECT 'step:' || sps_id FROM scheduled_procedure_steps WHERE sps_id = ANY($1)`,
    [ids],
  );
  return rows.map((r) => r.row);
}

/**
 * Checks one case against the invariants and records the figures: it ended before the deadline,
 * got exactly one ACK per frame it sent, each ACK reads as HL7 with MSA-1 in table 0008, and a
 * message refused (AE/AR/CE/CR) left no row behind.
 */
export async function judgeHl7Case(c: Hl7Case, r: WireResult, sql: Pool, report: FuzzReport, replay: string): Promise<void> {
  const sent = Buffer.concat(c.plan.writes);
  const fail = (invariant: string, detail: string): void => {
    const f: FuzzFailure = { invariant, caseIndex: c.index, replay, detail: `${c.labels.join(' + ')}: ${detail}`, preview: preview(sent), sent: sent.length <= 64 * 1024 ? sent.toString('base64') : undefined };
    report.fail(f);
  };
  report.cases++;
  c.labels.forEach((l) => report.sawKind(l));
  r.latencies.forEach((ms) => report.latency(ms, c.index));
  if (!r.closed) {
    report.hangs++;
    report.count('hang');
    fail('hang', `no close within the deadline; ${r.acks.length}/${c.expected} ACKs`);
  }
  if (r.acks.length === 0 && r.closed) report.count('closed');
  if (r.acks.length !== c.expected) fail('answer-per-frame', `expected ${c.expected} ACK(s), got ${r.acks.length}${r.error ? ` (${r.error})` : ''}${r.pendingAckBytes ? `, ${r.pendingAckBytes} bytes of an unfinished ACK frame` : ''}`);
  if (r.junk > 0) fail('ack-framing', `${r.junk} bytes from the server outside any MLLP frame`);
  const verdicts = new Map<string, Set<string>>();
  for (const ack of r.acks) {
    const view = readAck(ack);
    if (view.problem) fail('ack-parses', `${view.problem}; ACK ${preview(ack, 120)}`);
    for (const m of view.msas) {
      report.count(m.code || '(empty)');
      if (!verdicts.has(m.controlId)) verdicts.set(m.controlId, new Set());
      verdicts.get(m.controlId)!.add(m.code);
    }
  }
  const anyAccepted = [...verdicts.values()].some((codes) => codes.has('AA') || codes.has('CA'));
  // Without any acceptance nothing of this case may exist; otherwise only what was refused by its own control id is checked.
  // A frame that went unanswered may still have been applied (an ACK lost after commit): that is
  // the answer-per-frame failure, not this one, so a case short of ACKs is only checked by control id.
  const complete = r.acks.length === c.expected;
  const refused = c.messages.filter((m) => {
    const codes = verdicts.get(m.controlId);
    if (!anyAccepted && complete) return true;
    return codes !== undefined && [...codes].every((code) => REFUSALS.has(code));
  });
  const leftovers = await rowsWithIds(sql, refused.flatMap((m) => m.ids));
  if (leftovers.length > 0) fail('refused-leaves-no-data', `refused (${[...verdicts].map(([id, codes]) => `${id}=${[...codes].join('/')}`).join(', ') || 'no ACK'}) but rows exist: ${leftovers.join(', ')}`);
}
