import { FuzzReport, preview } from './fuzz-report';
import type { DicomCase } from './dicom-cases';
import { DicomResult, isFinal } from './dicom-play';

const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Checks one DICOM case: it ended before the deadline; a valid A-ASSOCIATE-RQ was accepted; a valid
 * or identifier-only request got a final DIMSE status (or an A-ABORT) before the release answer;
 * a valid C-ECHO got Success; the server sent only PDUs an acceptor may send.
 */
export function judgeDicomCase(c: DicomCase, r: DicomResult, report: FuzzReport, replay: string): void {
  const labels = [...c.labels, ...(r.exchange?.labels ?? [])];
  const sent = Buffer.concat([c.associate, r.exchange?.bytes ?? Buffer.alloc(0)]);
  const fail = (invariant: string, detail: string): void =>
    report.fail({ invariant, caseIndex: c.index, replay, detail: `${labels.join(' + ')}: ${detail}; got ${summarize(r)}`, preview: preview(sent), sent: sent.length <= 64 * 1024 ? sent.toString('base64') : undefined });
  report.cases++;
  labels.forEach((l) => report.sawKind(l));
  r.latencies.forEach((ms) => report.latency(ms, c.index));
  for (const a of r.answers) {
    if (a.kind === 'DIMSE') report.count(`status ${hex(a.status)}`);
    else report.count(a.kind);
  }
  if (r.answers.length === 0) report.count(r.closed ? 'closed' : 'hang');
  if (!r.closed) {
    report.hangs++;
    fail('hang', 'the connection was still open at the deadline');
  }
  if (c.validAssociate && r.answers[0]?.kind !== 'AC') fail('valid-association-accepted', 'a valid A-ASSOCIATE-RQ was not accepted');
  if (r.answers.some((a) => a.kind === 'OTHER' || (a.kind === 'AC' && a !== r.answers[0]))) fail('acceptor-pdus', 'a PDU an acceptor never sends');
  const ex = r.exchange;
  if (ex && ex.expect === 'final') {
    const final = r.answers.find((a) => isFinal(a, ex.messageId));
    const aborted = r.answers.some((a) => a.kind === 'ABORT');
    if (!final && !aborted) fail('dimse-answer', 'no final DIMSE status and no A-ABORT');
    if (final && final.kind === 'DIMSE' && ex.status !== undefined && final.status !== ex.status) fail('dimse-status', `expected ${hex(ex.status)}, got ${hex(final.status)}`);
    if (!final && aborted && labels.some((l) => l === 'echo' || l === 'find:valid')) fail('dimse-answer', 'a valid request was aborted');
  }
}

function summarize(r: DicomResult): string {
  const parts = r.answers.map((a) => (a.kind === 'DIMSE' ? `DIMSE(${hex(a.commandField)} ${hex(a.status)})` : a.kind === 'RJ' ? `RJ(${a.result}/${a.source}/${a.reason})` : a.kind === 'ABORT' ? `ABORT(${a.source}/${a.reason})` : a.kind));
  return `[${parts.join(', ')}]${r.closed ? ' closed' : ' open'}${r.error ? ` (${r.error})` : ''}`;
}
