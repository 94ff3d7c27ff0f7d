import { parseHl7, splitBatch, isBatch, Hl7ParseError } from './parse-hl7';
import { escapeValue, unescapeValue } from './escape';
import { DEFAULT_DELIMITERS } from './delimiters';

const MSH = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|MSG0001|P|2.3.1';

describe('parseHl7', () => {
  it('counts MSH fields as HL7 does (MSH-1 is the separator)', () => {
    const m = parseHl7(`${MSH}\rPID|||P123^^^HOSP^MR||DOE^JANE`);
    expect(m.msh.get(1)).toBe('|');
    expect(m.msh.get(2)).toBe('^~\\&');
    expect(m.msh.get(3)).toBe('RIS');
    expect(m.msh.get(9, 2)).toBe('O01');
    expect(m.controlId).toBe('MSG0001');
    expect(m.type).toBe('ORM^O01');
    expect(m.segment('PID')!.get(3, 4)).toBe('HOSP');
    expect(m.segment('PID')!.get(5, 2)).toBe('JANE');
  });

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('accepts %s segment ends and a missing final terminator', (_, eol) => {
    const m = parseHl7([MSH, 'PID|||P1', 'PV1||O'].join(eol));
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'PV1']);
  });

  it('tells empty ("keep") from the HL7 null ("delete")', () => {
    const pid = parseHl7(`${MSH}\rPID|||P1||DOE^""^A||""`).segment('PID')!;
    expect(pid.get(5, 1)).toBe('DOE');
    expect(pid.get(5, 2)).toBeNull();
    expect(pid.get(6)).toBeUndefined();
    expect(pid.get(7)).toBeNull();
    expect(pid.get(7, 2)).toBeNull();
    expect(pid.isNull(7)).toBe(true);
  });

  it('reads repetitions, subcomponents and strips trailing spaces', () => {
    const pid = parseHl7(`${MSH}\rPID|||P1^^^HOSP&1.2.3&ISO^MR~X9^^^OTHER^PI||SMITH  ^JOHN `).segment('PID')!;
    expect(pid.repetitions(3)).toHaveLength(2);
    expect(pid.get(3, 4, 2)).toBe('1.2.3');
    expect(pid.get(3, 1, 1, 1)).toBe('X9');
    expect(pid.get(5, 1)).toBe('SMITH');
    expect(pid.get(5, 2)).toBe('JOHN');
  });

  it('unescapes leaves after splitting', () => {
    const obr = parseHl7(`${MSH}\rOBR|1|||CT^Head \\T\\ neck\\F\\contrast \\S\\ \\R\\ \\E\\ \\X41\\`).segment('OBR')!;
    expect(obr.get(4, 2)).toBe('Head & neck|contrast ^ ~ \\ A');
    expect(obr.get(4, 3)).toBeUndefined();
  });

  it('honours unusual encoding characters from MSH-2', () => {
    const m = parseHl7('MSH#:*!@#RIS#HOSP#RF#RAD#2026##ADT:A08#C1#P#2.4\rPID###P1:::HOSP##DOE:JOHN');
    expect(m.type).toBe('ADT^A08');
    expect(m.segment('PID')!.get(5, 2)).toBe('JOHN');
  });

  it('strips a byte order mark and skips blank lines', () => {
    expect(parseHl7(`\uFEFF${MSH}\r\r\nPID|||1\r`).segments).toHaveLength(2);
  });

  it('rejects text that is not HL7', () => {
    expect(() => parseHl7('GET / HTTP/1.1')).toThrow(Hl7ParseError);
    expect(() => parseHl7('MSH')).toThrow(Hl7ParseError);
    expect(() => parseHl7('MSH|^~|RIS')).toThrow(/MSH-2/);
  });

  it('rejects glued segments whose name is not a segment id', () => {
    expect(() => parseHl7(`${MSH}\rpid|||1`)).toThrow(Hl7ParseError);
  });

  it('keeps Z-segments and unexpected segments', () => {
    const m = parseHl7(`${MSH}\rEVN||20261123\rZDS|1.2.3^100^Application^DICOM\rNTE|1||note`);
    expect(m.segment('ZDS')!.get(1)).toBe('1.2.3');
    expect(m.all('NTE')).toHaveLength(1);
  });

  it('gives the sequence number of a segment for ERR locations', () => {
    const m = parseHl7(`${MSH}\rOBR|1\rOBR|2`);
    expect(m.sequenceOf(m.all('OBR')[1])).toBe(2);
  });
});

describe('batches', () => {
  it('splits BHS/BTS batches into messages', () => {
    const text = ['FHS|^~\\&', 'BHS|^~\\&', MSH, 'PID|||1', MSH.replace('MSG0001', 'MSG0002'), 'PID|||2', 'BTS|2', 'FTS|1'].join('\r');
    expect(isBatch(text)).toBe(true);
    const msgs = splitBatch(text);
    expect(msgs).toHaveLength(2);
    expect(parseHl7(msgs[1]).controlId).toBe('MSG0002');
  });
});

describe('escapeValue', () => {
  it('round-trips every delimiter', () => {
    const v = 'a|b^c&d~e\\f';
    const escaped = escapeValue(v, DEFAULT_DELIMITERS);
    expect(escaped).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
    expect(unescapeValue(escaped, DEFAULT_DELIMITERS)).toBe(v);
  });
});
