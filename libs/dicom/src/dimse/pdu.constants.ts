/** PS3.8 9.3: PDU types. */
export const PduType = { AssociateRq: 0x01, AssociateAc: 0x02, AssociateRj: 0x03, PDataTf: 0x04, ReleaseRq: 0x05, ReleaseRp: 0x06, Abort: 0x07 } as const;

/** PS3.8 Table 9-26: A-ABORT source and reason (reasons only meaningful for the provider). */
export const AbortSource = { ServiceUser: 0, ServiceProvider: 2 } as const;
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;

/** PS3.8 Table 9-21: A-ASSOCIATE-RJ result, source and reason; reasons are scoped by source. */
export const RejectResult = { Permanent: 1, Transient: 2 } as const;
export const RejectSource = { ServiceUser: 1, ServiceProviderAcse: 2, ServiceProviderPresentation: 3 } as const;
export const RejectReason = {
  user: { NoReasonGiven: 1, ApplicationContextNameNotSupported: 2, CallingAeTitleNotRecognized: 3, CalledAeTitleNotRecognized: 7 },
  acse: { NoReasonGiven: 1, ProtocolVersionNotSupported: 2 },
  presentation: { TemporaryCongestion: 1, LocalLimitExceeded: 2 },
} as const;

/** A PDU we cannot accept; `reason` is what the A-ABORT we answer with carries. */
export class PduError extends Error {
  override readonly name = 'PduError';
  constructor(
    readonly reason: number,
    message: string,
  ) {
    super(message);
  }
}

export const PDU_HEADER_LENGTH = 6;
export const PDV_HEADER_LENGTH = 6;

export function withHeader(type: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(PDU_HEADER_LENGTH + body.length);
  out[0] = type;
  out[1] = 0;
  out.writeUInt32BE(body.length, 2);
  body.copy(out, PDU_HEADER_LENGTH);
  return out;
}

