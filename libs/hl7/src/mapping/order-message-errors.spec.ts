import { DomainError } from '@radflow/domain';
import { locateSubject } from '../ack/error-subject.locator';
import { Hl7ErrorLocation as ErrorLocation } from '../ack/hl7-error';
import { omiO23, ormO01 } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { MODALITY_DEFINED_TERMS } from './dicom-values.validator';
import { toPlaceOrdersCommand } from './order-message.mapper';

/** The error a message gets, as [code, location]. */
function errorOf(text: string): [string, ErrorLocation | undefined] {
  try {
    toPlaceOrdersCommand(parseHl7(text));
  } catch (e) {
    if (e instanceof DomainError) return [e.code, locateSubject(e.subject)];
    throw e;
  }
  throw new Error('expected a DomainError');
}

const at = (segment: string, sequence?: number, field?: number): ErrorLocation =>
  Object.assign({ segment }, sequence === undefined ? {} : { sequence }, field === undefined ? {} : { field });

const LONG_UID = `2.25.${'1'.repeat(60)}`;
const withoutSegments = (text: string, ...names: string[]) =>
  text
    .split('\r')
    .filter((l) => !names.includes(l.slice(0, 3)))
    .join('\r');

describe('order message errors (code + HL7 location)', () => {
  it.each([
    // required segments and fields
    ['no ORC', withoutSegments(ormO01(), 'ORC'), 'REQUIRED_FIELD_MISSING', at('ORC')],
    ['no PID', withoutSegments(omiO23(), 'PID'), 'REQUIRED_FIELD_MISSING', at('PID')],
    ['empty ORC-1', ormO01({ orderControl: '' }), 'REQUIRED_FIELD_MISSING', at('ORC', 1, 1)],
    ['ORC-1 in the second group', ormO01({ orders: [{}, { orderControl: '""' }] }), 'REQUIRED_FIELD_MISSING', at('ORC', 2, 1)],
    ['NW without OBR-18', ormO01({ accession: '' }), 'REQUIRED_FIELD_MISSING', at('OBR', 1, 18)],
    ['NW with OBR-18 ""', ormO01({ orders: [{}, { accession: '""', requestedProcedureId: 'RP2' }] }), 'REQUIRED_FIELD_MISSING', at('OBR', 2, 18)],
    ['NW without IPC-1', omiO23({ ipcs: [{}, { accession: '', spsId: 'S2' }] }), 'REQUIRED_FIELD_MISSING', at('IPC', 2, 1)],
    ['NW without OBR (ORM)', withoutSegments(ormO01(), 'OBR', 'ZDS'), 'REQUIRED_FIELD_MISSING', at('OBR')],
    ['NW without IPC (OMI)', withoutSegments(omiO23(), 'IPC'), 'REQUIRED_FIELD_MISSING', at('IPC')],
    // SH length and content
    ['accession of 17 characters', ormO01({ accession: 'A'.repeat(17) }), 'VALUE_TOO_LONG', at('OBR', 1, 18)],
    ['accession with a backslash', ormO01({ accession: 'A\\E\\B' }), 'INVALID_VALUE', at('OBR', 1, 18)],
    ['RP ID of 17 characters (OBR-19)', ormO01({ requestedProcedureId: 'R'.repeat(17) }), 'VALUE_TOO_LONG', at('OBR', 1, 19)],
    ['SPS ID of 17 characters (OBR-20)', ormO01({ spsId: 'S'.repeat(17) }), 'VALUE_TOO_LONG', at('OBR', 1, 20)],
    ['IPC-1 of 17 characters', omiO23({ accession: 'A'.repeat(17) }), 'VALUE_TOO_LONG', at('IPC', 1, 1)],
    ['IPC-2 of 17 characters', omiO23({ requestedProcedureId: 'R'.repeat(17) }), 'VALUE_TOO_LONG', at('IPC', 1, 2)],
    ['IPC-4 of 17 characters', omiO23({ spsId: 'S'.repeat(17) }), 'VALUE_TOO_LONG', at('IPC', 1, 4)],
    // Study Instance UID
    ['UID with a leading zero (ZDS-1)', ormO01({ studyInstanceUid: '1.2.03' }), 'INVALID_VALUE', at('ZDS', 1, 1)],
    ['UID over 64 characters (ZDS-1)', ormO01({ studyInstanceUid: LONG_UID }), 'VALUE_TOO_LONG', at('ZDS', 1, 1)],
    ['UID with letters (IPC-3)', omiO23({ studyInstanceUid: '1.2.abc' }), 'INVALID_VALUE', at('IPC', 1, 3)],
    ['UID with an empty component (IPC-3)', omiO23({ studyInstanceUid: '1..2' }), 'INVALID_VALUE', at('IPC', 1, 3)],
    ['two UIDs for one RP ID', omiO23({ ipcs: [{}, { spsId: 'S2', studyInstanceUid: '2.25.9' }] }), 'INVALID_VALUE', at('IPC', 2, 3)],
    // modality and station AE
    ['modality not a DICOM term (OBR-24)', ormO01({ modality: 'CAT' }), 'INVALID_VALUE', at('OBR', 1, 24)],
    ['modality not a DICOM term (IPC-5)', omiO23({ modality: 'XRAY' }), 'INVALID_VALUE', at('IPC', 1, 5)],
    ['station AE of 17 characters (IPC-9)', omiO23({ stationAe: `CT01~${'A'.repeat(17)}` }), 'VALUE_TOO_LONG', at('IPC', 1, 9)],
    // keys past their DICOM maximum: refused, never cut
    ['17 station AE titles (IPC-9)', omiO23({ stationAe: Array.from({ length: 17 }, (_, i) => `CT${i}`).join('~') }), 'VALUE_TOO_LONG', at('IPC', 1, 9)],
    ['patient ID of 65 characters (PID-3.1)', omiO23({ patientId: 'P'.repeat(65) }), 'VALUE_TOO_LONG', { ...at('PID', 1, 3), component: 1 }],
    ['issuer of 65 characters (PID-3.4)', omiO23({ issuer: 'I'.repeat(65) }), 'VALUE_TOO_LONG', { ...at('PID', 1, 3), component: 4 }],
    ['other ID of 65 characters (PID-4)', omiO23({ pidFields: { 4: `${'X'.repeat(65)}^^^OTHER` } }), 'VALUE_TOO_LONG', { ...at('PID', 1, 4), component: 1 }],
    ['placer number of 65 characters (ORC-2)', omiO23({ placerOrderNumber: 'N'.repeat(65) }), 'VALUE_TOO_LONG', { ...at('ORC', 1, 2), component: 1 }],
    ['admission ID of 65 characters (PV1-19)', omiO23({ visitNumber: 'V'.repeat(65) }), 'VALUE_TOO_LONG', at('PV1', 1, 19)],
    ['protocol code of 65 characters (IPC-6.1)', omiO23({ protocolCodes: `${'C'.repeat(65)}^text^LOCAL` }), 'VALUE_TOO_LONG', { ...at('IPC', 1, 6), component: 1 }],
    ['coding scheme of 17 characters (IPC-6.3)', omiO23({ protocolCodes: `C1^text^${'S'.repeat(17)}` }), 'VALUE_TOO_LONG', { ...at('IPC', 1, 6), component: 3 }],
    // dates
    ['impossible TQ1-7', omiO23({ start: '20261131090000' }), 'INVALID_VALUE', at('TQ1', 1, 7)],
    ['impossible ORC-7.4', ormO01({ start: '20261124250000' }), 'INVALID_VALUE', { ...at('ORC', 1, 7), component: 4 }],
    ['impossible MSH-7', omiO23({ messageTime: '20261323' }), 'INVALID_VALUE', at('MSH', 1, 7)],
    // routing
    ['not an order message', ormO01().replace('ORM^O01', 'ORU^R01'), 'UNSUPPORTED_MESSAGE', at('MSH', 1, 9)],
  ])('%s', (_, text, code, location) => {
    expect(errorOf(text)).toEqual([code, location]);
  });

  it.each([
    ['a cancel without accession', () => ormO01({ orderControl: 'CA', orderStatus: 'CA', accession: '' })],
    ['16-character IDs and a 64-character UID', () => ormO01({ accession: 'A'.repeat(16), spsId: 'S'.repeat(16), studyInstanceUid: `2.25.${'1'.repeat(59)}` })],
    ['lower-case modality', () => omiO23({ modality: 'mr' })],
    ['no Study UID (generated later)', () => omiO23({ studyInstanceUid: '' })],
  ])('accepts %s', (_, build) => {
    expect(() => toPlaceOrdersCommand(parseHl7(build()))).not.toThrow();
  });

  it('knows the common modalities and no made-up ones', () => {
    for (const m of ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'NM', 'PT', 'XA', 'RF', 'OT', 'IO', 'PX', 'ES', 'XC', 'RG', 'BMD', 'SM', 'OP']) {
      expect(MODALITY_DEFINED_TERMS.has(m)).toBe(true);
    }
    expect(MODALITY_DEFINED_TERMS.has('XRAY')).toBe(false);
  });
});
