import { createDataset, DicomElement } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { planMwlAnswer } from './mwl-item.mapper';
import { parseMwlQuery } from './mwl-query';
import { buildMwlSql, likePattern, MwlSqlOptions } from './mwl-sql';

type El = [number, DicomElement];
const s = (t: number, vr: string, value: string): El => [t, { vr, value } as DicomElement];
const sps = (...els: El[]): El => [Tags.ScheduledProcedureStepSequence, { vr: 'SQ', value: [createDataset(els)] }];
const OPTIONS: MwlSqlOptions = { offeredStatuses: ['SCHEDULED', 'ARRIVED'], nameMatch: 'insensitive', limit: 501 };

type BuildOptions = Partial<MwlSqlOptions> & { combinedDateTime?: boolean };
function build(els: El[], { combinedDateTime, ...options }: BuildOptions = {}) {
  const query = parseMwlQuery(createDataset(els), { combinedDateTime });
  return buildMwlSql(query, planMwlAnswer(query), { ...OPTIONS, ...options });
}

/** The predicate lines after the two policy filters, with $n for parameters. */
function predicates(text: string): string[] {
  const where = /WHERE ([\s\S]*?)\n\s*(ORDER BY|$)/.exec(text)?.[1] ?? '';
  return where.split(/\n\s*AND /).slice(2);
}

describe('buildMwlSql', () => {
  const cases: Array<[string, El[], BuildOptions, string[], unknown[]]> = [
    ['universal keys add no predicate', [s(Tags.PatientName, 'PN', ''), s(Tags.AccessionNumber, 'SH', '*')], {}, [], []],
    ['single value', [s(Tags.AccessionNumber, 'SH', 'A0001')], {}, ['o.accession_number = $2'], ['A0001']],
    ['empty value', [s(Tags.AccessionNumber, 'SH', '""')], {}, [`(o.accession_number IS NULL OR o.accession_number = '')`], []],
    ['wild card, LIKE metacharacters escaped', [s(Tags.PatientID, 'LO', 'P_0%5*')], {}, ['p.patient_id LIKE $2'], ['P\\_0\\%5%']],
    ['CS list', [sps(s(Tags.Modality, 'CS', 'CT\\MR'))], {}, ['s.modality = ANY($2::text[])'], [['CT', 'MR']]],
    ['wild card list', [sps(s(Tags.Modality, 'CS', 'C?\\M*'))], {}, ['s.modality LIKE ANY($2::text[])'], [['C_', 'M%']]],
    ['UID list', [s(Tags.StudyInstanceUID, 'UI', '1.2.3\\1.2.4')], {}, ['r.study_instance_uid = ANY($2::text[])'], [['1.2.3', '1.2.4']]],
    ['DA range on a plain column', [s(Tags.PatientBirthDate, 'DA', '19700101-19801231')], {}, ['p.birth_date >= $2 AND p.birth_date <= $3'], ['19700101', '19801231']],
    ['number', [[Tags.PregnancyStatus, { vr: 'US', value: [4] }]], {}, ['o.pregnancy_status = $2::int'], [4]],
    [
      'station AE: btree arm + multi-station arm',
      [sps(s(Tags.ScheduledStationAETitle, 'AE', 'CT01'))],
      {},
      ['(s.station_ae_titles = ARRAY[$2::text] OR (cardinality(s.station_ae_titles) > 1 AND s.station_ae_titles && $3::text[]))'],
      ['CT01', ['CT01']],
    ],
    [
      'station AE list',
      [sps(s(Tags.ScheduledStationAETitle, 'AE', 'CT01\\CT02'))],
      {},
      ['(s.station_ae_titles = ARRAY[$2::text] OR s.station_ae_titles = ARRAY[$3::text] OR (cardinality(s.station_ae_titles) > 1 AND s.station_ae_titles && $4::text[]))'],
      ['CT01', 'CT02', ['CT01', 'CT02']],
    ],
    ['station AE wild card', [sps(s(Tags.ScheduledStationAETitle, 'AE', '?T01'))], {}, ['EXISTS (SELECT 1 FROM unnest(s.station_ae_titles) AS ae(v) WHERE ae.v LIKE ANY($2::text[]))'], [['_T01']]],
    ['patient name prefix, case-insensitive', [s(Tags.PatientName, 'PN', 'SMI*')], {}, ['mwl_fold(p.name) LIKE mwl_fold($2)'], ['SMI%']],
    ['patient name prefix, case-sensitive', [s(Tags.PatientName, 'PN', 'SMI*')], { nameMatch: 'sensitive' }, ['p.name LIKE $2'], ['SMI%']],
    [
      'patient name without wild card: omitted components match anything',
      [s(Tags.PatientName, 'PN', 'SMITH')],
      {},
      ['(mwl_fold(p.name) = mwl_fold($2) OR mwl_fold(p.name) LIKE mwl_fold($3))'],
      ['SMITH', 'SMITH^%'],
    ],
    [
      'patient name groups: alphabetic folded, ideographic exact',
      [s(Tags.PatientName, 'PN', 'YAMADA*=山田*')],
      {},
      ['mwl_fold(p.name) LIKE mwl_fold($2) AND p.name_ideographic LIKE $3'],
      ['YAMADA%', '山田%'],
    ],
    [
      'physician name (PN in one column)',
      [sps(s(Tags.ScheduledPerformingPhysicianName, 'PN', 'HOUSE^G*'))],
      {},
      [`mwl_fold(split_part(s.performing_physician, '=', 1)) LIKE mwl_fold($2)`],
      ['HOUSE^G%'],
    ],
    ['start: one day', [sps(s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261212'))], {}, ['s.start_date = $2'], ['20261212']],
    ['start: open range', [sps(s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261210-'))], {}, ['s.start_date >= $2'], ['20261210']],
    [
      'start: one day + time range',
      [sps(s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261123'), s(Tags.ScheduledProcedureStepStartTime, 'TM', '0800-1200'))],
      {},
      ['s.start_date = $2', `(CASE WHEN length(s.start_time) >= 6 THEN s.start_time ELSE rpad(s.start_time, 6, '0') END) >= $3`, `(CASE WHEN length(s.start_time) >= 6 THEN s.start_time ELSE rpad(s.start_time, 6, '0') END) <= $4`],
      ['20261123', '080000', '120059.999999'],
    ],
    [
      'start: date range + time range match each on its own (no extended negotiation)',
      [sps(s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261120-20261123'), s(Tags.ScheduledProcedureStepStartTime, 'TM', '0800-1200'))],
      {},
      ['s.start_date >= $2', 's.start_date <= $3', `(CASE WHEN length(s.start_time) >= 6 THEN s.start_time ELSE rpad(s.start_time, 6, '0') END) >= $4`, `(CASE WHEN length(s.start_time) >= 6 THEN s.start_time ELSE rpad(s.start_time, 6, '0') END) <= $5`],
      ['20261120', '20261123', '080000', '120059.999999'],
    ],
    [
      'start: date range + time range is one date-time range when combined matching was negotiated',
      [sps(s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261120-20261123'), s(Tags.ScheduledProcedureStepStartTime, 'TM', '0800-1200'))],
      { combinedDateTime: true },
      [
        's.start_date >= $2',
        's.start_date <= $3',
        `(s.start_date > $4 OR (CASE WHEN length(s.start_time) >= 6 THEN s.start_time ELSE rpad(s.start_time, 6, '0') END) >= $5)`,
        `(s.start_date < $6 OR (CASE WHEN length(s.start_time) >= 6 THEN s.start_time ELSE rpad(s.start_time, 6, '0') END) <= $7)`,
      ],
      ['20261120', '20261123', '20261120', '080000', '20261123', '120059.999999'],
    ],
  ];

  it.each(cases)('%s', (_name, els, options, expected, values) => {
    const sql = build(els, options);
    expect(predicates(sql.text)).toEqual(expected);
    expect(sql.values.slice(1, -1)).toEqual(values);
    expect(sql.values[0]).toEqual(OPTIONS.offeredStatuses);
    expect(sql.values[sql.values.length - 1]).toBe(501);
  });

  it('never writes a query value into the SQL text', () => {
    const hostile = `x' OR 1=1; DROP TABLE patients; --`;
    const sql = build([s(Tags.PatientName, 'PN', `${hostile}*`), s(Tags.AccessionNumber, 'SH', hostile), sps(s(Tags.Modality, 'CS', 'CT'))]);
    expect(sql.text).not.toContain('DROP');
    expect(sql.text).not.toContain("'CT'");
    expect(sql.values).toContain(hostile);
  });

  it('filters, orders and cuts the steps before joining when every filter is on the step', () => {
    const sql = build([s(Tags.PatientName, 'PN', ''), sps(s(Tags.Modality, 'CS', 'CT'), s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261210-20261212'))]);
    expect(sql.text).toMatch(/FROM \(SELECT s\.\* FROM scheduled_procedure_steps s\n WHERE s\.status = ANY\(\$1::text\[\]\)[\s\S]* ORDER BY s\.start_date, s\.start_time, s\.id LIMIT \$5\) s\nJOIN patients p ON p\.id = s\.patient_ref\nORDER BY s\.start_date, s\.start_time, s\.id$/);
  });

  it('joins first when a filter is on the patient or the order, and only the tables it needs', () => {
    const sql = build([s(Tags.PatientID, 'LO', 'P1')]);
    expect(sql.text).toContain('FROM scheduled_procedure_steps s\nJOIN patients p ON p.id = s.patient_ref\nWHERE');
    expect(sql.text).not.toContain('requested_procedures');
    expect(sql.text).toMatch(/ORDER BY s\.start_date, s\.start_time, s\.id\nLIMIT \$3$/);
    expect(build([s(Tags.AccessionNumber, 'SH', 'A1')]).text).toContain('JOIN requested_procedures r ON r.id = s.procedure_ref\nJOIN imaging_orders o ON o.id = r.order_ref');
  });

  it('always applies the status and held policy', () => {
    const sql = build([], { offeredStatuses: ['SCHEDULED'] });
    expect(sql.text).toContain('s.status = ANY($1::text[])\n   AND NOT s.held');
    expect(sql.values[0]).toEqual(['SCHEDULED']);
  });

  it('repeats the partial indexes\' predicate when every offered status is unfinished, and only then', () => {
    const unfinished = `s.status NOT IN ('COMPLETED', 'CANCELED', 'DISCONTINUED', 'DEPARTED')`;
    expect(build([]).text).toContain(`NOT s.held AND ${unfinished}`);
    expect(build([], { offeredStatuses: ['SCHEDULED', 'ARRIVED', 'READY', 'STARTED'] }).text).toContain(unfinished);
    for (const finished of ['COMPLETED', 'CANCELED', 'DISCONTINUED', 'DEPARTED']) {
      const sql = build([], { offeredStatuses: ['SCHEDULED', finished] });
      expect({ finished, text: sql.text }).toEqual({ finished, text: expect.not.stringContaining('NOT IN') });
      expect(sql.values[0]).toEqual(['SCHEDULED', finished]);
    }
  });

  it('reports optional keys it cannot match on (0xFF01) and treats them as universal', () => {
    const sql = build([
      s(Tags.PatientWeight, 'DS', '70'),
      [Tags.RequestedProcedureCodeSequence, { vr: 'SQ', value: [createDataset([s(Tags.CodeValue, 'SH', 'CTH')])] }],
      sps(s(Tags.ScheduledProcedureStepLocation, 'SH', 'RAD-1'), s(Tags.Modality, 'CS', '')),
    ]);
    expect(sql.unsupported).toEqual([Tags.PatientWeight, Tags.RequestedProcedureCodeSequence]);
    expect(predicates(sql.text)).toEqual(['s.location = $2']);
  });
});

describe('likePattern', () => {
  it.each([
    ['SMI*', 'SMI%'],
    ['?T01', '_T01'],
    ['50%_off\\', '50\\%\\_off\\\\'],
    ['Mü*ler', 'Mü%ler'],
  ])('%s → %s', (dicom, like) => {
    expect(likePattern(dicom)).toBe(like);
  });
});
