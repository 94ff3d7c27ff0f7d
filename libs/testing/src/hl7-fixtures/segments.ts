/**
 * Building blocks for synthetic HL7 v2 test messages. Every patient, clinician and number here is
 * made up. Values are raw HL7 text: the caller writes `^`, `~`, `&` where it means them, escapes
 * (`\S\`) where it does not, and `""` for the HL7 null. `''` leaves a field empty.
 */

/** Field values by HL7 position: `{ 3: 'P1^^^HOSP' }` is PID-3. For MSH, numbering starts at MSH-3. */
export type Hl7Fields = Record<number, string | undefined>;

/** One segment from its fields by position; positions not given stay empty, trailing ones are left out. */
export function hl7Segment(name: string, fields: Hl7Fields): string {
  const positions = Object.keys(fields)
    .map(Number)
    .filter((n) => fields[n] !== undefined && fields[n] !== '');
  const last = Math.max(0, ...positions);
  const first = name === 'MSH' ? 3 : 1;
  const values: string[] = [];
  for (let n = first; n <= last; n++) values.push(fields[n] ?? '');
  if (name === 'MSH') return ['MSH', '^~\\&', ...values].join('|');
  return [name, ...values].join('|');
}

/** Segments joined with CR, ending with CR; falsy entries are skipped so optional segments read inline. */
export function hl7Message(segments: Array<string | undefined | false>): string {
  return segments.filter((s): s is string => typeof s === 'string' && s !== '').join('\r') + '\r';
}

let controlIds = 0;

/** A fresh MSH-10 per call, so a test's messages are never taken for duplicates of each other. */
export function nextControlId(): string {
  controlIds += 1;
  return `MSG${String(controlIds).padStart(6, '0')}`;
}

/** Drops keys whose value is undefined, so `{ ...DEFAULTS, ...defined(o) }` keeps the defaults. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface MessageHeaderFixture {
  /** MSH-10; a fresh one per message when not given */
  controlId?: string;
  /** MSH-3, default RIS */
  sendingApplication?: string;
  /** MSH-4, default HOSP_A */
  sendingFacility?: string;
  /** MSH-5, default RADFLOW */
  receivingApplication?: string;
  /** MSH-6, default RAD */
  receivingFacility?: string;
  /** MSH-7, default 20261123101500 */
  messageTime?: string;
  /** MSH-11, default P */
  processingId?: string;
  /** MSH-12; each builder has its default */
  version?: string;
  /** MSH-18, default UNICODE UTF-8 (encode the text as UTF-8) */
  charset?: string;
  /** Any other MSH field, by position */
  mshFields?: Hl7Fields;
}

export function mshSegment(messageType: string, defaultVersion: string, h: MessageHeaderFixture): string {
  return hl7Segment('MSH', {
    3: h.sendingApplication ?? 'RIS',
    4: h.sendingFacility ?? 'HOSP_A',
    5: h.receivingApplication ?? 'RADFLOW',
    6: h.receivingFacility ?? 'RAD',
    7: h.messageTime ?? '20261123101500',
    9: messageType,
    10: h.controlId ?? nextControlId(),
    11: h.processingId ?? 'P',
    12: h.version ?? defaultVersion,
    18: h.charset ?? 'UNICODE UTF-8',
    ...h.mshFields,
  });
}

export interface PatientFixture {
  /** PID-3.1, default SYN000001 */
  patientId?: string;
  /** PID-3.4 assigning authority, default HOSP_A */
  issuer?: string;
  /** Raw PID-3 (all repetitions); replaces patientId/issuer */
  patientIdList?: string;
  /** PID-5 XPN, default TESTPERSON^ALEX^J */
  name?: string;
  /** PID-7, default 19800215 */
  birthDate?: string;
  /** PID-8, default F */
  sex?: string;
  /** PID-18 account number */
  accountNumber?: string;
  pidFields?: Hl7Fields;
  /** false leaves PV1 out */
  pv1?: boolean;
  /** PV1-2, default O */
  patientClass?: string;
  /** PV1-3 PL, e.g. RAD^R12^1 */
  patientLocation?: string;
  /** PV1-8 XCN, default D1001^REFERRAL^SAM^^^DR */
  referringPhysician?: string;
  /** PV1-15, e.g. B6 */
  ambulatoryStatus?: string;
  /** PV1-19 visit number */
  visitNumber?: string;
  pv1Fields?: Hl7Fields;
  /** One AL1 per entry, the entry being AL1-3 (CE), e.g. `PEN^Penicillin^L` */
  allergies?: string[];
}

export function pidSegment(p: PatientFixture): string {
  return hl7Segment('PID', {
    1: '1',
    3: p.patientIdList ?? `${p.patientId ?? 'SYN000001'}^^^${p.issuer ?? 'HOSP_A'}^MR`,
    5: p.name ?? 'TESTPERSON^ALEX^J',
    7: p.birthDate ?? '19800215',
    8: p.sex ?? 'F',
    18: p.accountNumber,
    ...p.pidFields,
  });
}

export function pv1Segment(p: PatientFixture): string | undefined {
  if (p.pv1 === false) return undefined;
  return hl7Segment('PV1', {
    1: '1',
    2: p.patientClass ?? 'O',
    3: p.patientLocation,
    8: p.referringPhysician ?? 'D1001^REFERRAL^SAM^^^DR',
    15: p.ambulatoryStatus,
    19: p.visitNumber,
    ...p.pv1Fields,
  });
}

export function al1Segments(p: PatientFixture): string[] {
  return (p.allergies ?? []).map((allergen, i) => hl7Segment('AL1', { 1: String(i + 1), 2: 'DA', 3: allergen }));
}

/** Patient segments as they open every order and ADT message: PID, PV1, AL1… */
export function patientSegments(p: PatientFixture): string[] {
  const pv1 = pv1Segment(p);
  return [pidSegment(p), ...(pv1 ? [pv1] : []), ...al1Segments(p)];
}
