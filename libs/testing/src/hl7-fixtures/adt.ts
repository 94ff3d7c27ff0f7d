import { defined, hl7Message, hl7Segment, Hl7Fields, MessageHeaderFixture, mshSegment, patientSegments, pidSegment, PatientFixture } from './segments';

/** The prior side of a merge or ID change (MRG). */
export interface PriorPatientFixture {
  /** MRG-1.1, default SYN000099 */
  priorPatientId?: string;
  /** MRG-1.4, default: the patient's issuer */
  priorIssuer?: string;
  /** Raw MRG-1 (all repetitions); replaces priorPatientId/priorIssuer. '' leaves MRG-1 empty. */
  priorIdList?: string;
  mrgFields?: Hl7Fields;
  /** false leaves the MRG segment out */
  mrg?: boolean;
}

export interface AdtFixture extends MessageHeaderFixture, PatientFixture, PriorPatientFixture {
  /** Trigger event (MSH-9.2, EVN-1), default A08 */
  event?: string;
  /** MSH-9.3; derived from the event when not given */
  structure?: string;
  /** For A40/A34/A36/A47 …: one PID+MRG pair per entry; default one pair from the top-level options */
  pairs?: Array<PatientFixture & PriorPatientFixture>;
}

/** Trigger → message structure (HL7 v2.5.1 chapter 3). */
const STRUCTURES: Record<string, string> = {
  A01: 'ADT_A01', A04: 'ADT_A01', A08: 'ADT_A01', A13: 'ADT_A01',
  A05: 'ADT_A05', A28: 'ADT_A05', A31: 'ADT_A05',
  A02: 'ADT_A02', A03: 'ADT_A03', A11: 'ADT_A09',
  A39: 'ADT_A39', A40: 'ADT_A39', A41: 'ADT_A39', A42: 'ADT_A39',
  A34: 'ADT_A30', A35: 'ADT_A30', A36: 'ADT_A30', A46: 'ADT_A30', A47: 'ADT_A30', A48: 'ADT_A30', A49: 'ADT_A30',
};

/** Triggers whose message is a list of PID+MRG pairs rather than one patient with a visit. */
const PAIR_STRUCTURES = new Set(['ADT_A39', 'ADT_A30']);

/** ADT^Axx v2.5.1 (v2.3.1 with `version`), e.g. `adt({ event: 'A40', pairs: [...] })`. */
export function adt(o: AdtFixture = {}): string {
  const event = o.event ?? 'A08';
  const structure = o.structure ?? STRUCTURES[event] ?? 'ADT_A01';
  const evn = hl7Segment('EVN', { 1: event, 2: o.messageTime ?? '20261123101500' });
  const body = PAIR_STRUCTURES.has(structure)
    ? (o.pairs ?? [{}]).flatMap((pair) => pairSegments({ ...defined(o), ...defined(pair) }))
    : patientSegments(event === 'A28' || event === 'A31' ? { pv1Fields: { 2: 'N' }, ...o } : o);
  return hl7Message([mshSegment(`ADT^${event}^${structure}`, '2.5.1', o), evn, ...body]);
}

function pairSegments(p: PatientFixture & PriorPatientFixture): string[] {
  if (p.mrg === false) return [pidSegment(p)];
  const mrg1 = p.priorIdList ?? `${p.priorPatientId ?? 'SYN000099'}^^^${p.priorIssuer ?? p.issuer ?? 'HOSP_A'}^MR`;
  return [pidSegment(p), hl7Segment('MRG', { 1: mrg1, ...p.mrgFields })];
}
