import { createDataset, DicomDataset, DicomElement, tag } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { MwlQueryError, parseMwlQuery, StartMatch } from './mwl-query';

type El = [number, DicomElement];
const s = (t: number, vr: string, value: string): El => [t, { vr, value } as DicomElement];
const sq = (t: number, ...items: El[][]): El => [t, { vr: 'SQ', value: items.map((i) => createDataset(i)) }];
const identifier = (...els: El[]): DicomDataset => createDataset(els);
const sps = (...els: El[]): El => sq(Tags.ScheduledProcedureStepSequence, els);
const date = (v: string): El => s(Tags.ScheduledProcedureStepStartDate, 'DA', v);
const time = (v: string): El => s(Tags.ScheduledProcedureStepStartTime, 'TM', v);

function rejected(ds: DicomDataset, unknownKeys: 'reject' | 'ignore' = 'reject'): MwlQueryError {
  try {
    parseMwlQuery(ds, { unknownKeys });
  } catch (err) {
    if (err instanceof MwlQueryError) return err;
    throw err;
  }
  throw new Error('expected MwlQueryError');
}

describe('parseMwlQuery', () => {
  it('reads the benchmark Q1 identifier (station AE + day)', () => {
    const q = parseMwlQuery(
      identifier(
        s(Tags.AccessionNumber, 'SH', ''),
        s(Tags.PatientName, 'PN', ''),
        s(Tags.PatientID, 'LO', ''),
        sps(s(Tags.Modality, 'CS', ''), s(Tags.ScheduledStationAETitle, 'AE', 'CT01'), date('20261212'), time(''), s(Tags.ScheduledProcedureStepID, 'SH', '')),
        s(Tags.RequestedProcedureID, 'SH', ''),
      ),
    );
    expect(q.keys.map((k) => k.def.keyword)).toEqual(['AccessionNumber', 'PatientName', 'PatientID', 'ScheduledProcedureStepSequence', 'RequestedProcedureID']);
    expect(q.keys.every((k) => k.matcher.kind === 'universal')).toBe(true);
    const items = q.sps?.items;
    expect(Array.isArray(items) && items.map((k) => [k.def.keyword, k.matcher.kind])).toEqual([
      ['Modality', 'universal'],
      ['ScheduledStationAETitle', 'single'],
      ['ScheduledProcedureStepStartDate', 'single'],
      ['ScheduledProcedureStepStartTime', 'universal'],
      ['ScheduledProcedureStepID', 'universal'],
    ]);
    expect(q.start).toEqual({ dateFrom: '20261212', dateTo: '20261212', combined: false });
  });

  const starts: Array<[string, El[], StartMatch | undefined, StartMatch | undefined]> = [
    // [name, keys, start match, start match with combined date-time matching negotiated]
    ['no start keys', [], undefined, undefined],
    ['both universal', [date(''), time('')], undefined, undefined],
    ['date range only', [date('20261210-20261212')], { dateFrom: '20261210', dateTo: '20261212', combined: false }, { dateFrom: '20261210', dateTo: '20261212', combined: false }],
    ['open date range', [date('-20261212')], { dateFrom: undefined, dateTo: '20261212', combined: false }, { dateFrom: undefined, dateTo: '20261212', combined: false }],
    ['time only: each day', [time('0800-1200')], { timeFrom: '080000', timeTo: '120059.999999', combined: false }, { timeFrom: '080000', timeTo: '120059.999999', combined: false }],
    [
      'date + time: a time window per day, or one date-time range when negotiated',
      [date('20261120-20261123'), time('0800-1200')],
      { dateFrom: '20261120', dateTo: '20261123', timeFrom: '080000', timeTo: '120059.999999', combined: false },
      { dateFrom: '20261120', dateTo: '20261123', timeFrom: '080000', timeTo: '120059.999999', combined: true },
    ],
    [
      'day + time range',
      [date('20261123'), time('0700-1900')],
      { dateFrom: '20261123', dateTo: '20261123', timeFrom: '070000', timeTo: '190059.999999', combined: false },
      { dateFrom: '20261123', dateTo: '20261123', timeFrom: '070000', timeTo: '190059.999999', combined: true },
    ],
    [
      'day + open time',
      [date('20261123'), time('0800-')],
      { dateFrom: '20261123', dateTo: '20261123', timeFrom: '080000', timeTo: undefined, combined: false },
      { dateFrom: '20261123', dateTo: '20261123', timeFrom: '080000', timeTo: undefined, combined: true },
    ],
    ['empty date value', [date('""')], { dateEmpty: true, combined: false }, { dateEmpty: true, combined: false }],
  ];
  it.each(starts)('start match: %s', (_name, els, independent, combined) => {
    const strip = (m?: StartMatch): object | undefined => (m ? JSON.parse(JSON.stringify(m)) : undefined);
    expect(strip(parseMwlQuery(identifier(sps(...els))).start)).toEqual(strip(independent));
    expect(strip(parseMwlQuery(identifier(sps(...els)), { combinedDateTime: true }).start)).toEqual(strip(combined));
  });

  it('treats a zero-length SPS sequence and an empty item as "return everything"', () => {
    expect(parseMwlQuery(identifier(sq(Tags.ScheduledProcedureStepSequence))).sps?.items).toBe('all');
    expect(parseMwlQuery(identifier(sq(Tags.ScheduledProcedureStepSequence, []))).sps?.items).toBe('all');
  });

  it('keeps the requested item keys of return-only sequences', () => {
    const q = parseMwlQuery(identifier(sq(Tags.RequestedProcedureCodeSequence, [s(Tags.CodeValue, 'SH', ''), s(Tags.CodeMeaning, 'LO', '')])));
    const items = q.keys[0].items;
    expect(Array.isArray(items) && items.map((k) => k.def.keyword)).toEqual(['CodeValue', 'CodeMeaning']);
  });

  it('records the query character set (values were decoded with it) and decodes UN values with it', () => {
    const latin1 = Buffer.from('M\xfcller*', 'latin1');
    const q = parseMwlQuery(identifier(s(Tags.SpecificCharacterSet, 'CS', 'ISO_IR 100'), [Tags.PatientName, { vr: 'UN', value: latin1 }]));
    expect(q.characterSet).toEqual(['ISO_IR 100']);
    expect(q.keys[0].matcher).toEqual({ kind: 'wildcard', pattern: 'Müller*' });
  });

  it('reads a numeric key given as text', () => {
    const q = parseMwlQuery(identifier(s(Tags.PregnancyStatus, 'IS' as never, '4')));
    expect(q.keys[0].matcher).toEqual({ kind: 'single', value: '4' });
  });

  it('always ignores private attributes and group lengths', () => {
    const q = parseMwlQuery(identifier(s(tag(0x0009, 0x0010), 'LO', 'ACME'), s(tag(0x0009, 0x1001), 'LO', 'x'), [tag(0x0010, 0x0000), { vr: 'UL', value: [10] }]));
    expect(q.ignored).toEqual([tag(0x0009, 0x0010), tag(0x0009, 0x1001)]);
    expect(q.keys).toEqual([]);
  });

  describe('identifiers that do not match the MWL model (0xA900)', () => {
    it('rejects a Study Root key, naming it', () => {
      const err = rejected(identifier(s(Tags.QueryRetrieveLevel, 'CS', 'STUDY'), s(Tags.PatientID, 'LO', '')));
      expect(err.offendingElements).toEqual([Tags.QueryRetrieveLevel]);
      expect(err.message).toContain('(0008,0052)');
    });

    it('by default (lenient) keeps it as a return key that matches everything, whatever its value', () => {
      const q = parseMwlQuery(identifier(s(Tags.QueryRetrieveLevel, 'CS', 'STUDY'), s(tag(0x0008, 0x1030), 'LO', 'CHEST*')));
      expect(q.unknown).toEqual([Tags.QueryRetrieveLevel, tag(0x0008, 0x1030)]);
      expect(q.ignored).toEqual([]);
      expect(q.keys.map((k) => [k.def.keyword, k.def.vr, k.matcher.kind])).toEqual([
        ['QueryRetrieveLevel', 'CS', 'universal'],
        ['(0008,1030)', 'LO', 'universal'],
      ]);
    });

    it('lenient inside the SPS item too, and still A900 for a malformed value of a model key', () => {
      const q = parseMwlQuery(identifier(sps(s(tag(0x0040, 0x0241), 'AE', 'X'))));
      expect(q.unknown).toEqual([tag(0x0040, 0x0241)]);
      expect(rejected(identifier(s(tag(0x0010, 0x2201), 'LO', 'dog'), s(Tags.PatientBirthDate, 'DA', '1970')), 'ignore').offendingElements).toEqual([Tags.PatientBirthDate]);
    });

    it('rejects an SPS key at the top level and an unknown key inside the SPS item', () => {
      const err = rejected(identifier(s(Tags.Modality, 'CS', 'CT'), sps(s(Tags.StudyInstanceUID, 'UI', ''))));
      expect(err.offendingElements).toEqual([Tags.Modality, Tags.StudyInstanceUID]);
    });

    it.each<[string, El, number]>([
      ['two SPS items', sq(Tags.ScheduledProcedureStepSequence, [date('20261123')], [date('20261124')]), Tags.ScheduledProcedureStepSequence],
      ['a value where the SPS sequence belongs', s(Tags.ScheduledProcedureStepSequence, 'LO', 'x'), Tags.ScheduledProcedureStepSequence],
      ['a bad date in the SPS item', sps(date('2026-11-23')), Tags.ScheduledProcedureStepStartDate],
      ['a bad time range', sps(time('0800-1200-1300')), Tags.ScheduledProcedureStepStartTime],
      ['a wild card in a UID', s(Tags.StudyInstanceUID, 'UI', '1.2.*'), Tags.StudyInstanceUID],
      ['a bad birth date', s(Tags.PatientBirthDate, 'DA', '1970'), Tags.PatientBirthDate],
      ['text in a numeric key', s(Tags.PregnancyStatus, 'IS' as never, 'yes'), Tags.PregnancyStatus],
    ])('malformed: %s', (_name, el, offending) => {
      expect(rejected(identifier(el)).offendingElements).toEqual([offending]);
    });
  });
});
