import { parseHl7 } from '../parser';
import { cnnToPersonName, xcnToPersonName, xpnToPersonName, xpnToPersonNameGroups } from './xpn.mapper';

const MSH = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ADT^A08|C1|P|2.5.1';
const segment = (line: string) => parseHl7(`${MSH}\r${line}`).segments[1];

describe('XPN → PN (PID-5)', () => {
  it.each([
    ['family and given', 'TESTER^ALEX', 'TESTER^ALEX'],
    ['all five parts; suffix and prefix swap', 'TESTER^ALEX^JO^JR^DR', 'TESTER^ALEX^JO^DR^JR'],
    ['degree appended to the suffix', 'TESTER^ALEX^^III^^PHD', 'TESTER^ALEX^^^III PHD'],
    ['degree without a suffix', 'TESTER^ALEX^^^DR^MD', 'TESTER^ALEX^^DR^MD'],
    ['prefix only after family', 'TESTER^^^^PROF', 'TESTER^^^PROF'],
    ['family only', 'TESTER', 'TESTER'],
    ['trailing empty components trimmed', 'TESTER^ALEX^^^^^L', 'TESTER^ALEX'],
    ['given only', '^ALEX', '^ALEX'],
    ['HL7 null in one component clears that part only', 'TESTER^""^JO', 'TESTER^^JO'],
    ['FN subcomponents: the surname is FN.1', 'VAN DER TEST&VAN DER&TEST^ALEX', 'VAN DER TEST^ALEX'],
    ['escaped ^ never leaks into PN', 'O\\S\\TESTER^ALEX', 'O TESTER^ALEX'],
    ['= and \\ become spaces', 'A=B^C\\E\\D', 'A B^C D'],
    ['whole field HL7 null', '""', null],
    ['every component HL7 null', '""^""', null],
    ['empty field', '', undefined],
  ])('%s', (_, xpn, pn) => {
    expect(xpnToPersonName(segment(`PID|||1||${xpn}`), 5)).toBe(pn);
  });
});

describe('XPN repetitions → PN component groups (XPN.7 name type, XPN.8 representation)', () => {
  const groups = (xpn: string) => xpnToPersonNameGroups(segment(`PID|||1||${xpn}`), 5);

  it('maps A/I/P repetitions to alphabetic, ideographic and phonetic groups (JAHIS style)', () => {
    expect(groups('Yamada^Tarou^^^^^L^A~山田^太郎^^^^^L^I~やまだ^たろう^^^^^L^P')).toEqual({
      alphabetic: 'Yamada^Tarou',
      ideographic: '山田^太郎',
      phonetic: 'やまだ^たろう',
    });
  });

  it('prefers the legal name (L) over an earlier alias', () => {
    expect(groups('ALIAS^SAM^^^^^A~TESTER^ALEX^^^^^L').alphabetic).toBe('TESTER^ALEX');
  });

  it('takes the first alphabetic repetition when none is legal', () => {
    expect(groups('FIRST^ONE^^^^^D~SECOND^TWO^^^^^M').alphabetic).toBe('FIRST^ONE');
  });

  it('treats a missing XPN.8 as alphabetic and clears groups the field does not carry', () => {
    expect(groups('TESTER^ALEX')).toEqual({ alphabetic: 'TESTER^ALEX', ideographic: null, phonetic: null });
  });

  it('handles an ideographic-only name', () => {
    expect(groups('山田^太郎^^^^^L^I')).toEqual({ alphabetic: null, ideographic: '山田^太郎', phonetic: null });
  });

  it('clears every group on an HL7 null and keeps every group on an empty field', () => {
    expect(groups('""')).toEqual({ alphabetic: null, ideographic: null, phonetic: null });
    expect(groups('')).toEqual({ alphabetic: undefined, ideographic: undefined, phonetic: undefined });
  });
});

describe('XCN → PN (PV1-8, OBR-16, ORC-12)', () => {
  it.each([
    ['ID dropped, family and given', 'D1001^REFERRAL^SAM', 'REFERRAL^SAM'],
    ['all parts: .5 suffix, .6 prefix, .7 degree', 'D1001^REFERRAL^SAM^Q^JR^DR^MD', 'REFERRAL^SAM^Q^DR^JR MD'],
    ['prefix without suffix', 'D1001^REFERRAL^SAM^^^DR', 'REFERRAL^SAM^^DR'],
    ['no ID', '^REFERRAL^SAM', 'REFERRAL^SAM'],
    ['ID only: nothing to show', 'D1001', undefined],
    ['HL7 null', '""', null],
    ['empty', '', undefined],
    ['first repetition only', 'D1^ONE^A~D2^TWO^B', 'ONE^A'],
  ])('%s', (_, xcn, pn) => {
    expect(xcnToPersonName(segment(`PV1|1|O||||||${xcn}`), 8)).toBe(pn);
  });
});

describe('CNN → PN (OBR-34, subcomponents of component 1)', () => {
  const obr34 = (v: string) => segment(`OBR|1|||CT${'|'.repeat(30)}${v}`);

  it.each([
    ['ID & family & given', 'T77&TECH&ROBIN', 'TECH^ROBIN'],
    ['all parts', 'T77&TECH&ROBIN&M&SR&MS&RT', 'TECH^ROBIN^M^MS^SR RT'],
    ['HL7 null', '""', null],
    ['empty', '', undefined],
  ])('%s', (_, cnn, pn) => {
    expect(cnnToPersonName(obr34(cnn), 34)).toBe(pn);
  });
});
