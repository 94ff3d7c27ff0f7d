import { DicomPriority } from '@radflow/domain';

/** HL7 table 0027 → our priority levels, as dcm4chee maps it (hl7-orders-to-mwl.md §4); T → MEDIUM kept for interoperability. */
export const PRIORITY_TABLE: Readonly<Record<string, DicomPriority>> = {
  S: 'STAT',
  A: 'HIGH',
  P: 'HIGH',
  C: 'HIGH',
  R: 'ROUTINE',
  T: 'MEDIUM',
};

/** undefined when the sender gave none or a code with no equivalent (PRN …). */
export function toDicomPriority(hl7: string | undefined): DicomPriority | undefined {
  return hl7 ? PRIORITY_TABLE[hl7.toUpperCase()] : undefined;
}
