import { parseHl7, splitBatch, isBatch, Hl7ParseError } from './parse-hl7';
import { Hl7InputError, Hl7InputProblem } from './hl7-input.error';
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

describe('caps and hostile shapes', () => {
  const LIMITS = { maxSegments: 50, maxRepetitions: 1_000, maxFieldChars: 1_048_576 };
  const inputErrorOf = (text: string, limits = LIMITS): Hl7InputError => {
    try {
      parseHl7(text, { limits });
    } catch (e) {
      if (e instanceof Hl7InputError) return e;
      throw e;
    }
    throw new Error('expected an Hl7InputError');
  };

  it('refuses 200,000 repetitions in PID-4 at PID^1^4, keeping the header for the ACK', () => {
    const reps = Array.from({ length: 200_000 }, (_, i) => `A${i % 100}`).join('~');
    const e = inputErrorOf(`${MSH}\rPID|||P1^^^HOSP|${reps}|DOE^JANE`);
    expect(e.problem).toBe(Hl7InputProblem.TooManyRepetitions);
    expect(e.location).toEqual({ segment: 'PID', sequence: 1, field: 4 });
    expect(e.header.controlId).toBe('MSG0001');
    expect(e.header.segments.map((s) => s.name)).toEqual(['MSH']);
  });

  it('takes exactly the cap of repetitions', () => {
    const reps = Array.from({ length: 1_000 }, (_, i) => `ID${i}`).join('~');
    expect(parseHl7(`${MSH}\rPID|||${reps}`, { limits: LIMITS }).segment('PID')!.repetitions(3)).toHaveLength(1_000);
  });

  it('refuses the segment past the cap, naming it and its sequence', () => {
    const ntes = Array.from({ length: 60 }, (_, i) => `NTE|${i + 1}||note`);
    const e = inputErrorOf([MSH, 'PID|||P1', ...ntes].join('\r'));
    expect(e.problem).toBe(Hl7InputProblem.TooManySegments);
    expect(e.location).toEqual({ segment: 'NTE', sequence: 49 });
  });

  it('refuses a field longer than the cap, and the cap counts the whole field', () => {
    const e = inputErrorOf(`${MSH}\rPID|||P1||${'A'.repeat(300)}`, { ...LIMITS, maxFieldChars: 256 });
    expect(e).toMatchObject({ problem: Hl7InputProblem.FieldTooLong, location: { segment: 'PID', sequence: 1, field: 5 } });
  });

  it.each([
    ['a NUL byte', 'DOE\u0000^JANE'],
    ['a \\X00\\ escape', 'DOE\\X00\\^JANE'],
    ['a NUL among other hex bytes', 'DOE\\X414200\\^JANE'],
  ])('refuses %s at the field', (_, name) => {
    expect(inputErrorOf(`${MSH}\rPID|||P1||${name}`)).toMatchObject({ problem: Hl7InputProblem.NulCharacter, location: { segment: 'PID', sequence: 1, field: 5 } });
  });

  it.each([
    ['hex without a 00 byte', 'O\\X27\\BRIEN'],
    ['00 that is not a hex escape', '\\F\\X00 text'],
    ['an escape split by a component', '\\X0^0\\'],
  ])('takes %s', (_, value) => {
    expect(() => parseHl7(`${MSH}\rPID|||P1||${value}`)).not.toThrow();
  });

  it('splits a field once however many repetitions and components are read', () => {
    const reps = Array.from({ length: 1_000 }, (_, i) => `ID${i}^^^AUTH${i}&1.2.${i}&ISO^MR`).join('~');
    const pid = parseHl7(`${MSH}\rPID|||${reps}`).segment('PID')!;
    const split = jest.spyOn(String.prototype, 'split');
    try {
      for (let rep = 0; rep < 1_000; rep++) {
        for (const [c, s] of [[1, 1], [4, 1], [4, 2], [4, 3], [5, 1]]) pid.get(3, c, s, rep);
      }
      // one split into repetitions; per repetition one into components and one per component read (1, 4, 5)
      expect(split.mock.calls.length).toBe(1 + 1_000 * (1 + 3));
    } finally {
      split.mockRestore();
    }
  });

  it('unescapes a long value with many escapes to the right text', () => {
    const obr = parseHl7(`${MSH}\rOBR|1|||CT^${'a\\T\\'.repeat(50_000)}`).segment('OBR')!;
    expect(obr.get(4, 2)).toBe('a&'.repeat(50_000));
  });

  it('trims trailing spaces only, also after a long run of inner spaces', () => {
    const pid = parseHl7(`${MSH}\rPID|||P1||A${' '.repeat(100_000)}B   `).segment('PID')!;
    expect(pid.get(5)).toBe(`A${' '.repeat(100_000)}B`);
  });

  it('refuses a batch with more segments than a message may have', () => {
    const lines = ['BHS|^~\\&', ...Array.from({ length: 60 }, () => [MSH, 'PID|||1']).flat(), 'BTS|60'];
    expect(() => splitBatch(lines.join('\r'), LIMITS)).toThrow(Hl7ParseError);
  });
});
