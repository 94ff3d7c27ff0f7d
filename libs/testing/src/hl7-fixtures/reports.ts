import { defined, hl7Message, hl7Segment, Hl7Fields, MessageHeaderFixture, mshSegment, patientSegments, PatientFixture } from './segments';

/**
 * Synthetic result messages (ORU^R01, mpps-and-status.md §4), shaped like what reporting systems
 * send: the report as many OBX lines (TX), or as one FT value with `\.br\` line breaks; reports that
 * carry only the accession, or only the filler number; a Study Instance UID as an OBX or a ZDS.
 */
export interface ReportFixture {
  /** OBR-25 result status (table 0123), default F; '' leaves it empty */
  status?: string;
  /** ORC-3 / OBR-3 filler order number (EI), default FL000001^RADFLOW; '' leaves it out */
  fillerOrderNumber?: string;
  /** OBR-2 placer order number (EI), default PL000001^RIS */
  placerOrderNumber?: string;
  /** OBR-18 accession, default ACC000001; '' leaves it out */
  accession?: string;
  /** An OBX naming the Study Instance UID (OBX-3 = 110180^Study Instance UID^DCM) */
  studyUidObx?: string;
  /** ZDS-1.1 */
  studyInstanceUid?: string;
  /** Report lines, one TX OBX each (the common shape), default two lines */
  lines?: string[];
  /** The report as one FT OBX instead; write `\.br\` for line breaks */
  formattedText?: string;
  /** OBR-7 observation date/time, default 20261124100000 */
  observedAt?: string;
  /** OBR-32 principal result interpreter (NDL: CNN subcomponents), default D3003&READER&RILEY&&&&DR */
  interpreter?: string;
  /** false leaves the ORC out (many reporting systems send none) */
  orc?: boolean;
  orcFields?: Hl7Fields;
  obrFields?: Hl7Fields;
  /** OBX segments appended as given (raw text) */
  extraObx?: string[];
}

export interface OruR01Fixture extends MessageHeaderFixture, PatientFixture, ReportFixture {
  /** One ORC+OBR+OBX… group per entry; default one from the top-level options */
  reports?: ReportFixture[];
}

const REPORT_DEFAULTS = {
  status: 'F',
  fillerOrderNumber: 'FL000001^RADFLOW',
  placerOrderNumber: 'PL000001^RIS',
  accession: 'ACC000001',
  lines: ['CT head without contrast.', 'No acute intracranial abnormality.'],
  observedAt: '20261124100000',
  interpreter: 'D3003&READER&RILEY&&&&DR',
};

/** ORU^R01 v2.5.1: MSH PID [PV1] { [ORC] OBR {OBX} [ZDS] }. */
export function oruR01(o: OruR01Fixture = {}): string {
  const reports = (o.reports ?? [{}]).map((r) => ({ ...REPORT_DEFAULTS, ...defined(o), ...defined(r) }));
  return hl7Message([
    mshSegment('ORU^R01^ORU_R01', '2.5.1', o),
    ...patientSegments(o),
    ...reports.flatMap((r, i) => [
      r.orc !== false ? hl7Segment('ORC', { 1: 'RE', 2: r.placerOrderNumber, 3: r.fillerOrderNumber, 5: 'CM', ...r.orcFields }) : undefined,
      hl7Segment('OBR', {
        1: String(i + 1),
        2: r.placerOrderNumber,
        3: r.fillerOrderNumber,
        4: 'CTHEAD^CT head^LOCAL',
        7: r.observedAt,
        18: r.accession,
        22: r.observedAt,
        24: 'CT',
        25: r.status,
        32: r.interpreter,
        ...r.obrFields,
      }),
      ...observations(r),
      r.studyInstanceUid ? `ZDS|${r.studyInstanceUid}^100^Application^DICOM` : undefined,
    ]),
  ]);
}

function observations(r: ReportFixture & typeof REPORT_DEFAULTS): string[] {
  const obx = (n: number, type: string, id: string, value: string) => hl7Segment('OBX', { 1: String(n), 2: type, 3: id, 5: value, 11: r.status || 'F', 14: r.observedAt });
  const out: string[] = [];
  if (r.studyUidObx) out.push(obx(out.length + 1, 'ST', '110180^Study Instance UID^DCM', r.studyUidObx));
  if (r.formattedText !== undefined) out.push(obx(out.length + 1, 'FT', 'GDT^Report^LOCAL', r.formattedText));
  else for (const line of r.lines) out.push(obx(out.length + 1, 'TX', 'GDT^Report^LOCAL', line));
  return [...out, ...(r.extraObx ?? [])];
}
