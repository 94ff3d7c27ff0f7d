import type { MessageLogEntry } from '@radflow/domain';
import type { ListedMessage, MessageDetail } from '@radflow/hl7';
import { escapedLines, formatMessageDetail, formatMessageList, hexDump, messageDetailJson, messageListJson } from './message-log.format';

const ENTRY: MessageLogEntry = {
  id: '0193a4b2-0000-7000-8000-000000000001', receivedAt: new Date('2026-12-04T09:58:01.123Z'), peer: '10.0.0.7',
  sendingApplication: 'RIS^1.2.3^ISO', sendingFacility: 'HOSP_A', controlId: 'MSG000001', messageType: 'ORM^O01', version: '2.3.1',
  charset: '8859/1', ackCode: 'AA', outcome: 'applied', warnings: [], error: null,
};
const REFUSED: MessageLogEntry = {
  ...ENTRY, id: '0193a4b2-0000-7000-8000-000000000002', controlId: 'MSG000002', ackCode: 'AE', outcome: 'refused',
  error: { code: '103', text: 'order control XY not supported' },
};
const WARNED: MessageLogEntry = {
  ...ENTRY, id: '0193a4b2-0000-7000-8000-000000000003', controlId: 'MSG000003', outcome: 'warning',
  warnings: [{ code: 'W-BIRTH-DATE', location: 'PID^1^7', text: 'birth date not a date; stored as sent' }],
};

describe('formatMessageList', () => {
  it('prints a header, one aligned row per message and its error or warnings below it', () => {
    const out = formatMessageList([ENTRY, REFUSED, WARNED], 50).split('\n');
    expect(out[0]).toMatch(/^RECEIVED\s+ID\s+PEER\s+SENDER\s+CONTROL ID\s+TYPE\s+VERSION\s+ACK\s+OUTCOME$/);
    expect(out[1]).toMatch(/^2026-12-04T09:58:01Z  0193a4b2-0000-7000-8000-000000000001  10\.0\.0\.7  RIS\^HOSP_A  MSG000001 +ORM\^O01  2\.3\.1 +AA +applied$/);
    expect(out[2]).toContain('AE   refused');
    expect(out[3]).toBe('    error 103: order control XY not supported');
    expect(out[4]).toContain('warning');
    expect(out[5]).toBe('    warning W-BIRTH-DATE at PID^1^7: birth date not a date; stored as sent');
    expect(out[6]).toBe('3 messages, newest first');
    const columnOfOutcome = out[0].indexOf('OUTCOME');
    expect([out[1], out[2], out[4]].map((l) => l.indexOf(l.trimEnd().split(' ').pop()!))).toEqual([columnOfOutcome, columnOfOutcome, columnOfOutcome]);
  });

  it('names no patient unless patients were read, and says when the limit cut the list', () => {
    const plain = formatMessageList([ENTRY], 1);
    expect(plain).not.toContain('patient');
    expect(plain).toContain('1 message, newest first (the limit; narrow with --since or raise --limit)');
    const withPhi: ListedMessage = { ...ENTRY, patients: [{ id: 'SYN123', issuer: 'HOSP_A', name: 'TESTER^ANNA' }] };
    expect(formatMessageList([withPhi], 50)).toContain('    patient SYN123 (HOSP_A) TESTER^ANNA');
  });

  it('says so when nothing matches', () => {
    expect(formatMessageList([], 50)).toBe('no messages match\n');
  });

  it('does not pass control characters from sender text to the terminal', () => {
    const out = formatMessageList([{ ...ENTRY, controlId: 'A\u001b[2JB' }], 50);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('A\\x1b[2JB');
  });

  it('gives JSON with every column and ISO dates', () => {
    const [m] = JSON.parse(messageListJson([WARNED])).messages;
    expect(m).toEqual({ ...WARNED, receivedAt: '2026-12-04T09:58:01.123Z' });
  });
});

describe('raw bytes', () => {
  const raw = Buffer.from('MSH|^~\\&|RIS\rPID|||SYN1||M\xfcLLER\r\nZZZ|\\x41|\x00', 'latin1');

  it('escapes everything outside printable ASCII (and a sent \\x) and breaks lines after segment ends', () => {
    expect(escapedLines(raw)).toEqual(['MSH|^~\\&|RIS\\r', 'PID|||SYN1||M\\xfcLLER\\r\\n', 'ZZZ|\\x5cx41|\\x00']);
  });

  it('dumps 16 bytes a line with their offset and ASCII', () => {
    const lines = hexDump(raw);
    expect(lines[0]).toBe('00000000  4d 53 48 7c 5e 7e 5c 26 7c 52 49 53 0d 50 49 44  MSH|^~\\&|RIS.PID');
    expect(lines).toHaveLength(Math.ceil(raw.length / 16));
  });
});

describe('formatMessageDetail', () => {
  const detail: MessageDetail = {
    ...REFUSED, raw: Buffer.from('MSH|^~\\&|RIS\rPID|||SYN1\r', 'latin1'),
    decoded: { text: 'MSH|^~\\&|RIS\rPID|||SYN1\r', decodedAs: '8859/1', segments: ['MSH|^~\\&|RIS', 'PID|||SYN1'] },
    ack: { text: '', decodedAs: '8859/1', segments: ['MSH|^~\\&|RADFLOW', 'MSA|AE|MSG000002'] },
    patients: [{ id: 'SYN1', issuer: null, name: null }],
    changes: [{ at: new Date('2026-12-04T09:58:01Z'), procedureRef: 'p-1', stepRef: 's-1', from: null, to: 'SCHEDULED', event: 'order.placed', accessionNumber: 'ACC1', spsId: 'SPS1' }],
  };

  it('prints the header, raw bytes, decoded segments, the ACK and the rows changed', () => {
    const out = formatMessageDetail(detail, { hex: false });
    expect(out).toContain('ACK         AE (refused)\nerror       103: order control XY not supported\npatient     SYN1 (no name)\n');
    expect(out).toContain('raw bytes   24 bytes as received (escaped: bytes outside printable ASCII as \\xNN):\n  MSH|^~\\&|RIS\\r\n  PID|||SYN1\\r\n');
    expect(out).toContain('decoded     as 8859/1, one segment a line:\n  MSH|^~\\&|RIS\n  PID|||SYN1\n');
    expect(out).toContain('ACK sent:\n  MSH|^~\\&|RADFLOW\n  MSA|AE|MSG000002\n');
    expect(out).toContain('rows changed (history rows naming this message): 1\n  2026-12-04T09:58:01Z  order.placed  - -> SCHEDULED  step s-1 (SPS SPS1), procedure p-1, accession ACC1\n');
    expect(formatMessageDetail(detail, { hex: true })).toContain('(hex dump):\n  00000000  4d 53 48');
  });

  it('gives JSON with the raw bytes in base64', () => {
    const j = JSON.parse(messageDetailJson(detail));
    expect(Buffer.from(j.raw.base64, 'base64').equals(detail.raw)).toBe(true);
    expect(j).toMatchObject({ id: REFUSED.id, ackCode: 'AE', decoded: { charset: '8859/1', segments: detail.decoded.segments }, ack: { segments: detail.ack.segments } });
    expect(j.changes[0].at).toBe('2026-12-04T09:58:01.000Z');
  });
});
