import { DomainError } from '@radflow/domain';
import { oruR01 } from '@radflow/testing';
import { LeniencyRule } from '../inbound/sender-profile';
import { parseHl7 } from '../parser';
import { MappingWarnings } from './leniency';
import { ReportMappingOptions, toRecordReportCommand } from './report-message.mapper';

const lenient = () => new MappingWarnings(Object.fromEntries(Object.values(LeniencyRule).map((r) => [r, 'warn'])), '2.5.1');
const map = (text: string, warnings = lenient(), accessionSources?: ReportMappingOptions['accessionSources']) =>
  toRecordReportCommand(parseHl7(text), { warnings, accessionSources });

describe('ORU^R01 → RecordReportCommand', () => {
  it.each([['P', 'preliminary'], ['F', 'final'], ['C', 'corrected'], ['f', 'final']])('OBR-25 %s is a %s report', (code, status) => {
    expect(map(oruR01({ status: code })).reports[0].status).toBe(status);
  });

  it('reads the study keys: filler number (OBR-3), accession (OBR-18), Study Instance UID (ZDS-1)', () => {
    const [report] = map(oruR01({ fillerOrderNumber: 'FL9^RADFLOW', accession: 'ACC9', studyInstanceUid: '1.2.3.4' })).reports;
    expect(report.study).toEqual({ fillerOrderNumber: 'FL9', accessionNumber: 'ACC9', studyInstanceUid: '1.2.3.4' });
    expect(report.origin).toEqual({ segment: 'OBR', sequence: 1 });
  });

  it('takes the filler number from ORC-3 when OBR-3 is empty, and a Study Instance UID from the OBX that names one', () => {
    const [report] = map(oruR01({ fillerOrderNumber: '', accession: '', orcFields: { 3: 'FL10^RADFLOW' }, studyUidObx: '1.2.840.99.7' })).reports;
    expect(report.study).toEqual({ fillerOrderNumber: 'FL10', studyInstanceUid: '1.2.840.99.7' });
    expect(report.text).not.toContain('1.2.840.99.7');
  });

  it('reads only the accession when that is all the report carries, or only the filler number', () => {
    expect(map(oruR01({ fillerOrderNumber: '', placerOrderNumber: '', orc: false, accession: 'ACC11' })).reports[0].study).toEqual({ accessionNumber: 'ACC11' });
    expect(map(oruR01({ fillerOrderNumber: 'FL12', accession: '', orc: false })).reports[0].study).toEqual({ fillerOrderNumber: 'FL12' });
  });

  it("reads the accession from the sender profile's sources", () => {
    const [report] = map(oruR01({ accession: '', fillerOrderNumber: 'FL13^RADFLOW' }), lenient(), ['OBR-18', 'filler']).reports;
    expect(report.study.accessionNumber).toBe('FL13');
  });

  it('joins TX lines with line breaks, an empty OBX being an empty line, and keeps an unescaped ^ or & as text', () => {
    const [report] = map(oruR01({ lines: ['FINDINGS:', 'Liver^spleen normal.', '', 'IMPRESSION: R&L clear, \\T\\ fine.'] })).reports;
    expect(report.text).toBe('FINDINGS:\nLiver^spleen normal.\n\nIMPRESSION: R&L clear, & fine.');
  });

  it('decodes FT escapes: \\.br\\ is a line break, \\H\\ \\N\\ are dropped', () => {
    const [report] = map(oruR01({ formattedText: '\\H\\FINDINGS:\\N\\\\.br\\No acute findings.\\.br\\Size 3 \\S\\ 4 cm.' })).reports;
    expect(report.text).toBe('FINDINGS:\nNo acute findings.\nSize 3 ^ 4 cm.');
  });

  it('reads OBX-5 repetitions as lines and ignores non-text observations', () => {
    const [report] = map(oruR01({ lines: [], extraObx: ['OBX|1|TX|GDT||first~second||||||F', 'OBX|2|NM|DOSE^Dose^LOCAL||12|mGy|||||F'] })).reports;
    expect(report.text).toBe('first\nsecond');
  });

  it('reads the observation time (OBR-7, else OBX-14) and the interpreter (OBR-32)', () => {
    const [report] = map(oruR01({ observedAt: '20261124101500+0100' })).reports;
    expect(report.observedAt).toEqual(new Date('2026-11-24T09:15:00Z'));
    expect(report.interpreter).toBe('READER^RILEY^^^DR');
    const [fromObx] = map(oruR01({ observedAt: '', extraObx: ['OBX|9|TX|GDT||x||||||F|||20261125080000+0000'] })).reports;
    expect(fromObx.observedAt).toEqual(new Date('2026-11-25T08:00:00Z'));
  });

  it('reads a local observation time (no offset) in the process zone, years before 100 included', () => {
    expect(map(oruR01({ observedAt: '202611241015' })).reports[0].observedAt).toEqual(new Date(2026, 10, 24, 10, 15));
    expect(map(oruR01({ observedAt: '00500101-0230' })).reports[0].observedAt?.toISOString()).toBe('0050-01-01T02:30:00.000Z');
  });

  it('an unreadable observation time is left out with a warning', () => {
    const warnings = lenient();
    expect(map(oruR01({ observedAt: '20261399' }), warnings).reports[0].observedAt).toBeUndefined();
    expect(warnings.list()).toEqual([{ code: 102, location: { segment: 'OBR', sequence: 1, field: 7 }, text: 'observation date/time unreadable; report stored without it' }]);
  });

  it('several OBR groups are several reports', () => {
    const cmd = map(oruR01({ reports: [{ accession: 'A1', status: 'P' }, { accession: 'A2', status: 'F', orc: false, lines: ['second'] }] }));
    expect(cmd.reports.map((r) => [r.study.accessionNumber, r.status, r.text, r.origin])).toEqual([
      ['A1', 'preliminary', 'CT head without contrast.\nNo acute intracranial abnormality.', { segment: 'OBR', sequence: 1 }],
      ['A2', 'final', 'second', { segment: 'OBR', sequence: 2 }],
    ]);
  });

  it.each(['A', 'R', 'S', 'I', 'O', 'X'])('result status %s records no report, with a warning', (code) => {
    const warnings = lenient();
    expect(map(oruR01({ status: code }), warnings).reports).toEqual([]);
    expect(warnings.list()).toEqual([{ code: 0, location: { segment: 'OBR', sequence: 1, field: 25 }, text: `result status ${code} (OBR-25) records no report; nothing changed` }]);
    expect(map(oruR01({ status: code }), MappingWarnings.strict()).reports).toEqual([]);
  });

  it('a missing OBR-25 is a warning for a lenient sender and AE 101 at OBR-25 for a strict one', () => {
    const warnings = lenient();
    expect(map(oruR01({ status: '' }), warnings).reports).toEqual([]);
    expect(warnings.list()).toEqual([{ code: 101, location: { segment: 'OBR', sequence: 1, field: 25 }, text: 'report status (OBR-25) missing; report not recorded' }]);
    const thrown = catchError(() => map(oruR01({ status: '' }), MappingWarnings.strict()));
    expect(thrown).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', subject: { origin: { segment: 'OBR', sequence: 1, field: 25 } } });
  });

  it('a status outside table 0123 is a table-value warning, refused when strict', () => {
    const warnings = lenient();
    expect(map(oruR01({ status: 'Q' }), warnings).reports).toEqual([]);
    expect(warnings.list()[0]).toMatchObject({ code: 103, location: { segment: 'OBR', field: 25 } });
    expect(catchError(() => map(oruR01({ status: 'Q' }), MappingWarnings.strict()))).toMatchObject({ code: 'INVALID_VALUE' });
  });

  it('a Study Instance UID that is no UID is told and not used', () => {
    const warnings = lenient();
    expect(map(oruR01({ studyInstanceUid: '1.2.abc' }), warnings).reports[0].study.studyInstanceUid).toBeUndefined();
    expect(warnings.list()).toEqual([{ code: 102, location: { segment: 'ZDS', sequence: 1, field: 1 }, text: 'study instance UID not a UID; not used to find the study' }]);
  });

  it('a result message without OBR is refused (101)', () => {
    const text = oruR01().split('\r').filter((s) => !/^(ORC|OBR|OBX)/.test(s)).join('\r');
    expect(catchError(() => map(text))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING' });
  });
});

function catchError(fn: () => unknown): DomainError | undefined {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  return undefined;
}
