import { Message } from 'node-hl7-client';
import { decodeHl7, encodeHl7, Hl7CharsetErrorCode } from '../charset';
import { parseHl7 } from '../parser';
import { buildOrderStatusMessage, OrderStatusInput, StatusMessageStyle } from './status-message.builder';

// Synthetic patient; the family name holds every HL7 delimiter a PN component can hold.
const TRICKY_FAMILY = 'TEST|O&NEIL~X\\Y';

function input(style: StatusMessageStyle, overrides: Partial<OrderStatusInput> = {}): OrderStatusInput {
  return {
    destination: { application: 'RIS', facility: 'HOSP', charset: '8859/1', style },
    ourApplication: 'RADFLOW',
    ourFacility: 'RAD',
    controlId: 'RFS000042',
    now: new Date('2026-11-23T09:15:00Z'),
    utcOffsetMinutes: 60,
    status: { orderControl: 'SC', orderStatus: 'IP' },
    patient: {
      identifier: { id: 'PAT001', issuer: 'HOSP', universalId: '1.2.3.4', universalIdType: 'ISO', typeCode: 'MR' },
      name: `${TRICKY_FAMILY}^JANE^Q^DR^JR`,
    },
    order: {
      placerNumber: { id: 'PL100', namespace: 'RIS' },
      fillerNumber: { id: 'FL200', namespace: 'RADFLOW' },
      accessionNumber: 'ACC300',
    },
    procedure: { requestedProcedureId: 'RP400', studyInstanceUid: '1.2.826.0.1.3680043.9.7.1', stepId: 'SPS500', modality: 'CT', code: { value: 'CTHEAD', meaning: 'CT head', scheme: 'L' } },
    ...overrides,
  };
}

describe('buildOrderStatusMessage', () => {
  it.each([
    ['ORM^O01', 'ORM^O01', '2.3.1', ['MSH', 'PID', 'ORC', 'OBR']],
    ['OMG^O19', 'OMG^O19^OMG_O19', '2.5.1', ['MSH', 'PID', 'ORC', 'OBR']],
    ['OMI^O23', 'OMI^O23^OMI_O23', '2.5.1', ['MSH', 'PID', 'ORC', 'TQ1', 'OBR', 'IPC']],
  ] as const)('%s: header, segments and order fields read back by our parser', (style, type, version, names) => {
    const msg = parseHl7(buildOrderStatusMessage(input(style)));
    expect(msg.segments.map((s) => s.name)).toEqual(names);
    const msh = msg.msh;
    expect([msh.text(3), msh.text(4), msh.text(5), msh.text(6)]).toEqual(['RADFLOW', 'RAD', 'RIS', 'HOSP']);
    expect(msh.raw(7)).toBe('20261123101500+0100');
    expect(msh.raw(9)).toBe(type);
    expect(msh.text(10)).toBe('RFS000042');
    expect(msh.text(11)).toBe('P');
    expect(msh.text(12)).toBe(version);
    expect(msh.text(18)).toBe('8859/1');
    const orc = msg.segment('ORC')!;
    expect([orc.text(1), orc.text(2, 1), orc.text(2, 2), orc.text(3, 1), orc.text(3, 2), orc.text(5)]).toEqual(['SC', 'PL100', 'RIS', 'FL200', 'RADFLOW', 'IP']);
    const obr = msg.segment('OBR')!;
    expect([obr.text(2, 1), obr.text(2, 2), obr.text(3, 1), obr.text(3, 2)]).toEqual(['PL100', 'RIS', 'FL200', 'RADFLOW']);
    expect([obr.text(4, 1), obr.text(4, 2), obr.text(4, 3)]).toEqual(['CTHEAD', 'CT head', 'L']);
    expect(obr.text(18)).toBe(style === 'OMI^O23' ? undefined : 'ACC300');
    expect(orc.raw(9)).toBe('20261123101500+0100');
  });

  it('OMI carries accession, requested procedure, study and step in IPC-1..5', () => {
    const ipc = parseHl7(buildOrderStatusMessage(input('OMI^O23'))).segment('IPC')!;
    expect([ipc.text(1), ipc.text(2), ipc.text(3), ipc.text(4), ipc.text(5)]).toEqual(['ACC300', 'RP400', '1.2.826.0.1.3680043.9.7.1', 'SPS500', 'CT']);
  });

  it('writes PID-3 as CX with its assigning authority and PID-5 in XPN order', () => {
    const pid = parseHl7(buildOrderStatusMessage(input('ORM^O01'))).segment('PID')!;
    expect([pid.text(3, 1), pid.text(3, 4, 1), pid.text(3, 4, 2), pid.text(3, 4, 3), pid.text(3, 5)]).toEqual(['PAT001', 'HOSP', '1.2.3.4', 'ISO', 'MR']);
    // PN is family^given^middle^prefix^suffix; XPN puts the suffix (4) before the prefix (5).
    expect([pid.text(5, 1), pid.text(5, 2), pid.text(5, 3), pid.text(5, 4), pid.text(5, 5)]).toEqual([TRICKY_FAMILY, 'JANE', 'Q', 'JR', 'DR']);
  });

  it('escapes delimiters in values: the text stays one PID with the name in PID-5.1', () => {
    const text = buildOrderStatusMessage(input('ORM^O01'));
    const pidLine = text.split('\r').find((s) => s.startsWith('PID|'))!;
    expect(pidLine).toContain('TEST\\F\\O\\T\\NEIL\\R\\X\\E\\Y^JANE');
    expect(pidLine.split('|')).toHaveLength(6);
  });

  it('carries each order status code in ORC-1/ORC-5', () => {
    for (const status of [
      { orderControl: 'SC', orderStatus: 'CM' },
      { orderControl: 'SC', orderStatus: 'DC' },
      { orderControl: 'OC', orderStatus: 'CA' },
    ] as const) {
      const orc = parseHl7(buildOrderStatusMessage(input('OMG^O19', { status }))).segment('ORC')!;
      expect([orc.text(1), orc.text(5)]).toEqual([status.orderControl, status.orderStatus]);
    }
  });

  it('leaves absent numbers and a missing name empty rather than inventing them', () => {
    const text = buildOrderStatusMessage(input('ORM^O01', { order: { fillerNumber: { id: 'FL200' } }, patient: { identifier: { id: 'PAT001', issuer: '' }, name: null } }));
    const msg = parseHl7(text);
    expect(msg.segment('PID')!.raw(3)).toBe('PAT001');
    expect(msg.segment('PID')!.raw(5)).toBe('');
    expect(msg.segment('ORC')!.raw(2)).toBe('');
    expect(msg.segment('ORC')!.raw(3)).toBe('FL200');
    expect(msg.segment('OBR')!.raw(18)).toBe('');
  });

  it.each(['ORM^O01', 'OMG^O19', 'OMI^O23'] as const)('%s reads the same in node-hl7-client, an independent parser', (style) => {
    const m = new Message({ text: buildOrderStatusMessage(input(style)) });
    const get = (path: string) => m.get(path).toString();
    expect(get('MSH.9.1') + '^' + get('MSH.9.2')).toBe(style);
    expect(get('MSH.10')).toBe('RFS000042');
    expect(get('MSH.18')).toBe('8859/1');
    expect([get('ORC.1'), get('ORC.2.1'), get('ORC.3.1'), get('ORC.3.2'), get('ORC.5')]).toEqual(['SC', 'PL100', 'FL200', 'RADFLOW', 'IP']);
    expect([get('OBR.2.1'), get('OBR.3.1'), get('OBR.4.1')]).toEqual(['PL100', 'FL200', 'CTHEAD']);
    expect([get('PID.3.1'), get('PID.3.4.2'), get('PID.5.1'), get('PID.5.2')]).toEqual(['PAT001', '1.2.3.4', TRICKY_FAMILY, 'JANE']);
    if (style === 'OMI^O23') {
      expect([get('IPC.1'), get('IPC.2'), get('IPC.3'), get('IPC.4')]).toEqual(['ACC300', 'RP400', '1.2.826.0.1.3680043.9.7.1', 'SPS500']);
    } else {
      expect(get('OBR.18')).toBe('ACC300');
    }
  });

  it.each([
    ['8859/1', 'MÜLLER-ÇELIK', 'latin1'],
    ['UNICODE UTF-8', 'ŁUKASZEWSKA-山田', 'utf8'],
  ] as const)('round-trips a %s destination through encodeHl7 and decodeHl7', (charset, family, nodeEncoding) => {
    const base = input('OMI^O23');
    const text = buildOrderStatusMessage({ ...base, destination: { ...base.destination, charset }, patient: { ...base.patient, name: `${family}^JOSÉ` } });
    const bytes = encodeHl7(text, charset);
    expect(bytes.equals(Buffer.from(text, nodeEncoding))).toBe(true);
    const decoded = decodeHl7(bytes, { defaultCharset: 'ASCII' });
    expect(decoded.charset).toBe(charset);
    expect(decoded.mismatch).toBe(false);
    const pid = parseHl7(decoded.text).segment('PID')!;
    expect([pid.text(5, 1), pid.text(5, 2)]).toEqual([family, 'JOSÉ']);
  });

  it('refuses, through encodeHl7, a name the Latin-1 destination cannot hold', () => {
    const text = buildOrderStatusMessage({ ...input('ORM^O01'), patient: { identifier: { id: 'PAT001', issuer: '' }, name: '山田^太郎' } });
    expect(() => encodeHl7(text, '8859/1')).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnrepresentableCharacter }));
  });
});
