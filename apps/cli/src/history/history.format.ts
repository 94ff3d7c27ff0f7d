import type { StudyHistory, StudyHistoryRow } from '@radflow/domain';
import { printable } from '../cli-text';

const COLUMNS: Array<{ title: string; value: (r: StudyHistoryRow) => string }> = [
  { title: 'TIME', value: (r) => r.at.toISOString() },
  { title: 'SCOPE', value: (r) => r.scope },
  { title: 'SPS ID', value: (r) => (r.scope === 'study' ? '' : (r.spsId ?? '-')) },
  { title: 'FROM -> TO', value: (r) => `${r.from ?? '-'} -> ${r.to}` },
  { title: 'EVENT', value: (r) => r.event },
  { title: 'SOURCE', value: (r) => `${r.source.kind}${r.source.ref ? ` ${r.source.ref}` : ''}` },
  { title: 'NOTE', value: (r) => r.note ?? '' },
];

/** Each study matched: a line naming it, then its rows as a table, oldest first. */
export function formatHistory(studies: readonly StudyHistory[]): string {
  const out: string[] = [];
  for (const s of studies) {
    if (out.length) out.push('');
    out.push(`study ${printable(s.studyInstanceUid)}  accession ${printable(s.accessionNumber ?? '-')}  procedure ${s.procedureRef}  (matched by ${s.matchedBy === 'accession' ? 'accession number' : 'Study Instance UID'})`);
    out.push(...table(s.rows));
    out.push(`${s.rows.length} row${s.rows.length === 1 ? '' : 's'}, oldest first`);
  }
  return `${out.join('\n')}\n`;
}

function table(rows: readonly StudyHistoryRow[]): string[] {
  if (rows.length === 0) return ['  (no history rows)'];
  const cells = rows.map((r) => COLUMNS.map((c) => printable(c.value(r))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `  ${row.map((v, i) => v.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(COLUMNS.map((c) => c.title)), ...cells.map(line)];
}

/** JSON lines: one object a history row, naming its study; times in ISO 8601 (UTC). */
export function historyJsonLines(studies: readonly StudyHistory[]): string {
  const lines = studies.flatMap((s) =>
    s.rows.map((r) => JSON.stringify({
      procedureRef: s.procedureRef, studyInstanceUid: s.studyInstanceUid, accessionNumber: s.accessionNumber,
      at: r.at.toISOString(), scope: r.scope, stepRef: r.stepRef, spsId: r.spsId, from: r.from, to: r.to, event: r.event, source: r.source, note: r.note,
    })),
  );
  return lines.length ? `${lines.join('\n')}\n` : '';
}
