import { negotiate, NegotiationPolicy } from './association-negotiation';
import { answerExtendedNegotiation, queryOptionsInfo } from './extended-negotiation';
import { AssociateAcPdu, AssociateRqPdu, decodePdu, encodePdu, PduType } from './pdu';
import { DICOM_APPLICATION_CONTEXT, SopClass, TransferSyntax } from './uids';

const MWL = SopClass.ModalityWorklistInformationModelFind;
const STUDY_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.2.1';
const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('SOP Class Extended Negotiation (C-FIND query options)', () => {
  it.each<[string, Buffer, Buffer, string[]]>([
    ['combined date-time asked (dcm4che mwlscu: relational + date-time)', bytes(1, 1, 0), bytes(0, 1, 0), ['combinedDateTime']],
    ['every option asked: only date-time accepted, the field as long as offered', bytes(1, 1, 1, 1), bytes(0, 1, 0, 0), ['combinedDateTime']],
    ['relational only, one byte', bytes(1), bytes(0), []],
    ['fuzzy names only', bytes(0, 0, 1), bytes(0, 0, 0), []],
    ['a value other than 1 is not a request', bytes(0, 2, 0), bytes(0, 0, 0), []],
  ])('%s', (_name, offered, answered, options) => {
    const answer = answerExtendedNegotiation([{ sopClassUid: MWL, applicationInfo: offered }], new Set([MWL]));
    expect(answer.reply).toEqual([{ sopClassUid: MWL, applicationInfo: answered }]);
    expect([...(answer.accepted.get(MWL) ?? [])]).toEqual(options);
  });

  it('answers nothing for a SOP class that was not accepted or has no options we support', () => {
    const offered = [
      { sopClassUid: MWL, applicationInfo: bytes(1, 1, 0) },
      { sopClassUid: STUDY_ROOT_FIND, applicationInfo: bytes(1, 1, 0) },
    ];
    expect(answerExtendedNegotiation(offered, new Set([STUDY_ROOT_FIND])).reply).toEqual([]);
    expect(answerExtendedNegotiation(offered, new Set([MWL, STUDY_ROOT_FIND])).reply.map((r) => r.sopClassUid)).toEqual([MWL]);
  });

  it('round-trips the 0x56 sub-item in an A-ASSOCIATE-RQ and -AC', () => {
    const ext = [{ sopClassUid: MWL, applicationInfo: queryOptionsInfo(['relational', 'combinedDateTime']) }];
    const userInformation = { maxLength: 16384, implementationClassUid: '1.2.3', implementationVersionName: 'SCU', roleSelections: [], extendedNegotiations: ext };
    const common = { protocolVersion: 1, calledAeTitle: 'RADFLOW', callingAeTitle: 'CT01', applicationContext: DICOM_APPLICATION_CONTEXT, userInformation };
    const rq: AssociateRqPdu = { type: PduType.AssociateRq, ...common, presentationContexts: [{ id: 1, abstractSyntax: MWL, transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] }] };
    const ac: AssociateAcPdu = { type: PduType.AssociateAc, ...common, presentationContexts: [{ id: 1, result: 0, transferSyntax: TransferSyntax.ImplicitVrLittleEndian }] };
    for (const pdu of [rq, ac]) {
      const raw = encodePdu(pdu);
      expect(raw.includes(Buffer.concat([bytes(0x56, 0, 0, 2 + MWL.length + 3, 0, MWL.length), Buffer.from(MWL), bytes(1, 1, 0)]))).toBe(true);
      expect(decodePdu(raw[0], raw.subarray(6))).toEqual(pdu);
    }
  });

  describe('in association negotiation', () => {
    const policy: NegotiationPolicy = {
      aeTitle: 'RADFLOW',
      calledAeCheck: 'reject',
      allowedCallingAeTitles: [],
      allowedHosts: [],
      abstractSyntaxes: new Set([SopClass.Verification, MWL]),
      maxPduLength: 32768,
      implementationClassUid: '2.25.1',
      implementationVersionName: 'RADFLOW',
    };
    const rq = (ext?: AssociateRqPdu['userInformation']['extendedNegotiations']): AssociateRqPdu => ({
      type: PduType.AssociateRq,
      protocolVersion: 1,
      calledAeTitle: 'RADFLOW',
      callingAeTitle: 'CT01',
      applicationContext: DICOM_APPLICATION_CONTEXT,
      presentationContexts: [
        { id: 1, abstractSyntax: SopClass.Verification, transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] },
        { id: 3, abstractSyntax: MWL, transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] },
      ],
      userInformation: { maxLength: 16384, implementationClassUid: '1.2.3', roleSelections: [], extendedNegotiations: ext },
    });
    const peer = { address: '10.0.0.5', hasRoom: (): boolean => true };

    it('puts the accepted options on the MWL context and the answer into the AC', () => {
      const result = negotiate(rq([{ sopClassUid: MWL, applicationInfo: bytes(1, 1, 0) }]), policy, peer);
      if (!result.accepted) throw new Error(result.why);
      expect(result.pdu.userInformation.extendedNegotiations).toEqual([{ sopClassUid: MWL, applicationInfo: bytes(0, 1, 0) }]);
      expect([...(result.contexts.get(3)?.queryOptions ?? [])]).toEqual(['combinedDateTime']);
      expect(result.contexts.get(1)?.queryOptions.size).toBe(0);
    });

    it('without the sub-item nothing is negotiated and the AC carries none', () => {
      const result = negotiate(rq(), policy, peer);
      if (!result.accepted) throw new Error(result.why);
      expect(result.pdu.userInformation.extendedNegotiations).toEqual([]);
      expect(result.contexts.get(3)?.queryOptions.size).toBe(0);
    });
  });
});
