import type { MessageLogEntry } from '@radflow/domain';
import type { ListedMessage, MessageDetail, NamedPatient } from '@radflow/hl7';
import { printable } from '../cli-text';

const COLUMNS: Array<{ title: string; value: (m: MessageLogEntry) => string }> = [
  { title: 'RECEIVED', value: (m) => timestamp(m.receivedAt) },
  { title: 'ID', value: (m) => m.id },
  { title: 'PEER', value: (m) => m.peer ?? '-' },
  { title: 'SENDER', value: (m) => senderOf(m) },
  { title: 'CONTROL ID', value: (m) => m.controlId ?? '-' },
  { title: 'TYPE', value: (m) => m.messageType ?? '-' },
  { title: 'VERSION', value: (m) => m.version ?? '-' },
  { title: 'ACK', value: (m) => m.ackCode },
  { title: 'OUTCOME', value: (m) => m.outcome },
];

/** The list as a table, newest first; warnings, error and (when shown) patients on indented lines below their row. */
export function formatMessageList(messages: readonly ListedMessage[], limit: number): string {
  if (messages.length === 0) return 'no messages match\n';
  const cells = messages.map((m) => COLUMNS.map((c) => printable(c.value(m))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(COLUMNS.map((c) => c.title))];
  messages.forEach((m, i) => {
    out.push(line(cells[i]));
    out.push(...detailLines(m).map((d) => `    ${d}`));
  });
  const more = messages.length === limit ? ` (the limit; narrow with --since or raise --limit)` : '';
  out.push(`${messages.length} message${messages.length === 1 ? '' : 's'}, newest first${more}`);
  return `${out.join('\n')}\n`;
}

function detailLines(m: ListedMessage): string[] {
  const lines = m.error ? [`error ${m.error.code ?? '-'}: ${printable(m.error.text ?? '')}`] : [];
  lines.push(...m.warnings.map((w) => `warning ${printable(w.code)} at ${printable(w.location || '-')}: ${printable(w.text)}`));
  if (m.patients) lines.push(...(m.patients.length ? m.patients.map((p) => `patient ${patientText(p)}`) : ['patient (none named)']));
  return lines;
}

/** One message in full: header, raw bytes, decoded text, the ACK sent, and the rows it changed. */
export function formatMessageDetail(m: MessageDetail, o: { hex: boolean }): string {
  const out = [
    `message     ${m.id}`,
    `received    ${timestamp(m.receivedAt)} from ${m.peer ?? '-'}`,
    `sender      MSH-3 ${printable(m.sendingApplication) || '-'}, MSH-4 ${printable(m.sendingFacility) || '-'}`,
    `control id  ${printable(m.controlId ?? '-')}`,
    `type        ${printable(m.messageType ?? '-')}, version ${printable(m.version ?? '-')}`,
    `charset     ${m.charset ?? '-'}`,
    `ACK         ${m.ackCode} (${m.outcome})`,
  ];
  if (m.error) out.push(`error       ${m.error.code ?? '-'}: ${printable(m.error.text ?? '')}`);
  for (const w of m.warnings) out.push(`warning     ${printable(w.code)} at ${printable(w.location || '-')}: ${printable(w.text)}`);
  for (const p of m.patients) out.push(`patient     ${patientText(p)}`);
  out.push('', `raw bytes   ${m.raw.length} bytes as received (${o.hex ? 'hex dump' : 'escaped: bytes outside printable ASCII as \\xNN'}):`);
  out.push(...(o.hex ? hexDump(m.raw) : escapedLines(m.raw)).map(indent));
  out.push('', `decoded     ${m.decoded.decodedAs ? `as ${m.decoded.decodedAs}` : 'not decodable as HL7; shown as Latin-1'}, one segment a line:`);
  out.push(...m.decoded.segments.map((s) => indent(printable(s))));
  out.push('', 'ACK sent:');
  out.push(...m.ack.segments.map((s) => indent(printable(s))));
  out.push('', `rows changed (history rows naming this message): ${m.changes.length || 'none'}`);
  for (const c of m.changes) {
    out.push(indent(`${timestamp(c.at)}  ${c.event}  ${c.from ?? '-'} -> ${c.to}  step ${c.stepRef ?? '-'} (SPS ${printable(c.spsId ?? '-')}), procedure ${c.procedureRef}, accession ${printable(c.accessionNumber ?? '-')}`));
  }
  return `${out.join('\n')}\n`;
}

/** Printable ASCII as is, a line break after each segment end, every other byte as \xNN (and a sent `\x`, so it reads back). */
export function escapedLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0d || b === 0x0a) {
      line += b === 0x0d ? '\\r' : '\\n';
      if (!(b === 0x0d && bytes[i + 1] === 0x0a)) {
        lines.push(line);
        line = '';
      }
      continue;
    }
    const ambiguous = b === 0x5c && bytes[i + 1] === 0x78; // a sent `\x` would read as one of our escapes
    line += b >= 0x20 && b < 0x7f && !ambiguous ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  if (line) lines.push(line);
  return lines;
}

/** 16 bytes a line: offset, hex, and the printable ASCII of them. */
export function hexDump(bytes: Buffer): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines;
}

/** The machine form of a list: every column, dates in ISO 8601. */
export function messageListJson(messages: readonly ListedMessage[]): string {
  return `${JSON.stringify({ messages: messages.map(entryJson) }, null, 2)}\n`;
}

export function messageDetailJson(m: MessageDetail): string {
  const { raw, decoded, ack, patients, changes, ...entry } = m;
  return `${JSON.stringify({
    ...entryJson(entry),
    raw: { base64: raw.toString('base64'), bytes: raw.length },
    decoded: { charset: decoded.decodedAs, segments: decoded.segments },
    ack: { charset: ack.decodedAs, segments: ack.segments },
    patients,
    changes: changes.map((c) => ({ ...c, at: c.at.toISOString() })),
  }, null, 2)}\n`;
}

function entryJson(m: MessageLogEntry & { patients?: NamedPatient[] }): Record<string, unknown> {
  return { ...m, receivedAt: m.receivedAt.toISOString() };
}

/** `APP^FAC` by namespace id, the form `--sender` takes. */
function senderOf(m: MessageLogEntry): string {
  const ns = (hd: string) => hd.split('^')[0];
  return `${ns(m.sendingApplication) || '-'}^${ns(m.sendingFacility) || '-'}`;
}

function patientText(p: NamedPatient): string {
  return printable(`${p.id}${p.issuer ? ` (${p.issuer})` : ''} ${p.name ?? '(no name)'}`);
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}


function indent(s: string): string {
  return `  ${s}`;
}
