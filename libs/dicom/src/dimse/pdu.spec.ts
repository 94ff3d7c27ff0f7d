import { negotiate, NegotiationPolicy } from './association-negotiation';
import { CommandField, decodeCommand, encodeCommand } from './command-set';
import { DimseProtocolError, encodeMessage, MessageAssembler } from './dimse-message';
import { AbortReason, AssociateRqPdu, decodePdu, encodePdu, Pdu, PduError, PduType, PDataTfPdu } from './pdu';
import { PduReader } from './pdu-reader';
import { DICOM_APPLICATION_CONTEXT, SopClass, TransferSyntax } from './uids';

const rq = (overrides: Partial<AssociateRqPdu> = {}): AssociateRqPdu => ({
  type: PduType.AssociateRq,
  protocolVersion: 1,
  calledAeTitle: 'RADFLOW',
  callingAeTitle: 'CT01',
  applicationContext: DICOM_APPLICATION_CONTEXT,
  presentationContexts: [
    { id: 1, abstractSyntax: SopClass.Verification, transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] },
    { id: 3, abstractSyntax: SopClass.ModalityWorklistInformationModelFind, transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian, TransferSyntax.ExplicitVrLittleEndian] },
    { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] },
    { id: 7, abstractSyntax: SopClass.ModalityWorklistInformationModelFind, transferSyntaxes: ['1.2.840.10008.1.2.2'] },
  ],
  userInformation: { maxLength: 16384, implementationClassUid: '1.2.3.4', implementationVersionName: 'TEST_SCU', asyncOperations: { invoked: 2, performed: 1 }, roleSelections: [{ sopClassUid: SopClass.ModalityWorklistInformationModelFind, scu: true, scp: false }] },
  ...overrides,
});

const roundTrip = (pdu: Pdu): Pdu => {
  const bytes = encodePdu(pdu);
  expect(bytes.readUInt32BE(2)).toBe(bytes.length - 6);
  return decodePdu(bytes[0], bytes.subarray(6));
};

describe('PDU codec', () => {
  it.each<Pdu>([
    rq(),
    {
      type: PduType.AssociateAc,
      protocolVersion: 1,
      calledAeTitle: 'RADFLOW',
      callingAeTitle: 'CT01',
      applicationContext: DICOM_APPLICATION_CONTEXT,
      presentationContexts: [{ id: 1, result: 0, transferSyntax: TransferSyntax.ExplicitVrLittleEndian }],
      userInformation: { maxLength: 65536, implementationClassUid: '2.25.1', implementationVersionName: 'RADFLOW', roleSelections: [] },
    },
    { type: PduType.AssociateRj, result: 1, source: 1, reason: 7 },
    { type: PduType.PDataTf, pdvs: [{ contextId: 1, command: true, last: true, data: Buffer.from([1, 2, 3]) }, { contextId: 1, command: false, last: false, data: Buffer.alloc(0) }] },
    { type: PduType.ReleaseRq },
    { type: PduType.ReleaseRp },
    { type: PduType.Abort, source: 2, reason: 6 },
  ])('round-trips PDU type $type', (pdu) => {
    expect(roundTrip(pdu)).toEqual(pdu);
  });

  it('skips unknown user information sub-items and tolerates NUL-padded UIDs', () => {
    const bytes = encodePdu(rq());
    // Append an unknown user-information sub-item (0x5F) and patch the lengths it is nested in.
    const extra = Buffer.from([0x5f, 0, 0, 2, 0xaa, 0xbb]);
    const userInfoAt = bytes.lastIndexOf(Buffer.from([0x50, 0x00]));
    const patched = Buffer.concat([bytes, extra]);
    patched.writeUInt16BE(patched.readUInt16BE(userInfoAt + 2) + extra.length, userInfoAt + 2);
    patched.writeUInt32BE(patched.length - 6, 2);
    const decoded = decodePdu(patched[0], patched.subarray(6)) as AssociateRqPdu;
    expect(decoded.userInformation.maxLength).toBe(16384);
    const padded = encodePdu(rq({ applicationContext: `${DICOM_APPLICATION_CONTEXT}\0` }));
    expect((decodePdu(padded[0], padded.subarray(6)) as AssociateRqPdu).applicationContext).toBe(DICOM_APPLICATION_CONTEXT);
  });

  it.each([
    ['unknown PDU type', 0x09, Buffer.alloc(4), AbortReason.UnrecognizedPdu],
    ['short A-ASSOCIATE-RQ', PduType.AssociateRq, Buffer.alloc(10), AbortReason.InvalidPduParameterValue],
    ['PDV longer than its PDU', PduType.PDataTf, Buffer.from([0, 0, 0, 9, 1, 3]), AbortReason.InvalidPduParameterValue],
    ['A-RELEASE-RQ of wrong size', PduType.ReleaseRq, Buffer.alloc(5), AbortReason.InvalidPduParameterValue],
  ])('rejects %s with abort reason %d', (_name, type, body, reason) => {
    expect(() => decodePdu(type, body)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('PduReader', () => {
  const stream = Buffer.concat([encodePdu(rq()), encodePdu({ type: PduType.PDataTf, pdvs: [{ contextId: 3, command: true, last: true, data: Buffer.alloc(300, 7) }] }), encodePdu({ type: PduType.ReleaseRq })]);

  it.each([1, 2, 5, 6, 7, 13, 64, 1000, stream.length])('frames PDUs from chunks of %d bytes', (size) => {
    const reader = new PduReader(16384);
    const types: number[] = [];
    for (let off = 0; off < stream.length; off += size) {
      reader.push(stream.subarray(off, off + size));
      for (let p = reader.next(); p; p = reader.next()) types.push(decodePdu(p.type, p.body).type);
    }
    expect(types).toEqual([PduType.AssociateRq, PduType.PDataTf, PduType.ReleaseRq]);
  });

  it('refuses a P-DATA-TF longer than our maximum as soon as its header arrives', () => {
    const reader = new PduReader(1024);
    reader.push(Buffer.from([PduType.PDataTf, 0, 0, 0, 0x10, 0x00]));
    expect(() => reader.next()).toThrow(PduError);
  });
});

describe('DIMSE messages', () => {
  const command = encodeCommand({ commandField: CommandField.CFindRq, messageId: 7, affectedSopClassUid: SopClass.ModalityWorklistInformationModelFind, priority: 0, hasDataset: true });

  it('encodes command sets with CommandGroupLength and decodes them back', () => {
    expect(command.readUInt32LE(8)).toBe(command.length - 12);
    expect(decodeCommand(command)).toEqual({ commandField: CommandField.CFindRq, messageId: 7, affectedSopClassUid: SopClass.ModalityWorklistInformationModelFind, priority: 0, hasDataset: true });
  });

  it.each([0, 16384, 200, 64])('fragments within a peer maximum of %d and reassembles', (peerMax) => {
    const dataset = Buffer.alloc(1000, 0x41);
    const bytes = encodeMessage(3, command, dataset, peerMax);
    const reader = new PduReader(0);
    reader.push(bytes);
    const assembler = new MessageAssembler();
    const messages = [];
    for (let p = reader.next(); p; p = reader.next()) {
      if (peerMax) expect(p.body.length).toBeLessThanOrEqual(peerMax);
      for (const pdv of (decodePdu(p.type, p.body) as PDataTfPdu).pdvs) {
        const m = assembler.push(pdv);
        if (m) messages.push(m);
      }
    }
    expect(messages).toHaveLength(1);
    expect(messages[0].command.messageId).toBe(7);
    expect(messages[0].dataset).toEqual(dataset);
  });

  it('puts a small command and data set into one PDU as two PDVs', () => {
    const bytes = encodeMessage(1, command, Buffer.alloc(100), 16384);
    const pdu = decodePdu(bytes[0], bytes.subarray(6)) as PDataTfPdu;
    expect(bytes.readUInt32BE(2)).toBe(bytes.length - 6);
    expect(pdu.pdvs.map((p) => [p.command, p.last])).toEqual([[true, true], [false, true]]);
  });

  it('rejects a data set fragment that arrives without a command', () => {
    expect(() => new MessageAssembler().push({ contextId: 1, command: false, last: true, data: Buffer.alloc(2) })).toThrow(DimseProtocolError);
  });
});

describe('association negotiation', () => {
  const policy: NegotiationPolicy = {
    aeTitle: 'RADFLOW',
    calledAeCheck: 'reject',
    allowedCallingAeTitles: [],
    allowedHosts: [],
    abstractSyntaxes: new Set([SopClass.Verification, SopClass.ModalityWorklistInformationModelFind]),
    maxPduLength: 32768,
    implementationClassUid: '2.25.1',
    implementationVersionName: 'RADFLOW',
  };
  const peer = { address: '10.0.0.5', hasRoom: (): boolean => true };

  it('accepts known abstract syntaxes, prefers explicit VR, rejects others with reasons 3 and 4', () => {
    const result = negotiate(rq(), policy, peer);
    if (!result.accepted) throw new Error(result.why);
    expect(result.pdu.presentationContexts.map((pc) => [pc.id, pc.result, pc.transferSyntax])).toEqual([
      [1, 0, TransferSyntax.ImplicitVrLittleEndian],
      [3, 0, TransferSyntax.ExplicitVrLittleEndian],
      [5, 3, TransferSyntax.ImplicitVrLittleEndian],
      [7, 4, TransferSyntax.ImplicitVrLittleEndian],
    ]);
    expect(result.pdu.userInformation.maxLength).toBe(32768);
    expect([...result.contexts.keys()]).toEqual([1, 3]);
  });

  it.each([
    ['wrong called AE title', rq({ calledAeTitle: 'OTHER' }), policy, peer, [1, 1, 7]],
    ['calling AE not allowed', rq(), { ...policy, allowedCallingAeTitles: ['MR01'] }, peer, [1, 1, 3]],
    ['host not allowed', rq(), { ...policy, allowedHosts: ['10.0.0.9'] }, peer, [1, 1, 1]],
    ['at capacity', rq(), policy, { ...peer, hasRoom: (): boolean => false }, [2, 3, 2]],
    ['unknown application context', rq({ applicationContext: '1.2.3' }), policy, peer, [1, 1, 2]],
    ['protocol version without bit 0', rq({ protocolVersion: 2 }), policy, peer, [1, 2, 2]],
  ] as const)('rejects when %s', (_name, request, pol, p, [result, source, reason]) => {
    const outcome = negotiate(request, pol, p);
    expect(outcome.accepted).toBe(false);
    expect(outcome.pdu).toMatchObject({ type: PduType.AssociateRj, result, source, reason });
  });

  it('asks for room only once every other check passed (making room may evict an idle association)', () => {
    const hasRoom = jest.fn(() => true);
    expect(negotiate(rq(), { ...policy, allowedCallingAeTitles: ['MR01'] }, { ...peer, hasRoom }).accepted).toBe(false);
    expect(negotiate(rq(), { ...policy, allowedHosts: ['10.0.0.9'] }, { ...peer, hasRoom }).accepted).toBe(false);
    expect(hasRoom).not.toHaveBeenCalled();
    expect(negotiate(rq(), policy, { ...peer, hasRoom }).accepted).toBe(true);
    expect(hasRoom).toHaveBeenCalledTimes(1);
  });

  it("accepts any called AE title with calledAeCheck 'any'", () => {
    expect(negotiate(rq({ calledAeTitle: 'WHATEVER' }), { ...policy, calledAeCheck: 'any' }, peer).accepted).toBe(true);
  });
});
