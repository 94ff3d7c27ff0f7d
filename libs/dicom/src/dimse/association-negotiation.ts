import { AssociateAcPdu, AssociateRjPdu, AssociateRqPdu, PduType, PresentationContextResult, RejectReason, RejectResult, RejectSource } from './pdu';
import { answerExtendedNegotiation, QueryOption } from './extended-negotiation';
import { DICOM_APPLICATION_CONTEXT, TransferSyntax } from './uids';

export interface NegotiationPolicy {
  aeTitle: string;
  calledAeCheck: 'reject' | 'any';
  /** Empty: any calling AE title. */
  allowedCallingAeTitles: readonly string[];
  /** Exact peer IP addresses; empty: any host. */
  allowedHosts: readonly string[];
  /** The abstract syntax registry: SOP classes some handler serves. */
  abstractSyntaxes: ReadonlySet<string>;
  maxPduLength: number;
  implementationClassUid: string;
  implementationVersionName: string;
}

export interface AcceptedContext {
  id: number;
  abstractSyntax: string;
  transferSyntax: string;
  explicitVr: boolean;
  /** C-FIND options agreed through SOP Class Extended Negotiation for this abstract syntax; empty when none. */
  queryOptions: ReadonlySet<QueryOption>;
}

export type NegotiationResult =
  | { accepted: true; pdu: AssociateAcPdu; contexts: Map<number, AcceptedContext> }
  | { accepted: false; pdu: AssociateRjPdu; why: string };

const NO_OPTIONS: ReadonlySet<QueryOption> = new Set();
const PresentationResult = { Acceptance: 0, AbstractSyntaxNotSupported: 3, TransferSyntaxesNotSupported: 4 } as const;
// Explicit first: with explicit VR we need no dictionary to read the peer's query.
const SUPPORTED_TRANSFER_SYNTAXES = [TransferSyntax.ExplicitVrLittleEndian, TransferSyntax.ImplicitVrLittleEndian];

function reject(result: number, source: number, reason: number, why: string): NegotiationResult {
  return { accepted: false, pdu: { type: PduType.AssociateRj, result, source, reason }, why };
}

export interface NegotiationPeer {
  address: string;
  /**
   * Whether the association limits leave room for this one. Asked only once the peer passed every
   * other check, since making room may evict someone else's idle association.
   */
  hasRoom(): boolean;
}

/** Decides A-ASSOCIATE-AC or -RJ for one request (PS3.8 9.3.3, 9.3.4; PS3.7 Annex D). Pure but for `peer.hasRoom`. */
export function negotiate(rq: AssociateRqPdu, policy: NegotiationPolicy, peer: NegotiationPeer): NegotiationResult {
  const { Permanent, Transient } = RejectResult;
  if ((rq.protocolVersion & 1) === 0) {
    return reject(Permanent, RejectSource.ServiceProviderAcse, RejectReason.acse.ProtocolVersionNotSupported, 'protocol version not supported');
  }
  if (rq.applicationContext !== DICOM_APPLICATION_CONTEXT) {
    return reject(Permanent, RejectSource.ServiceUser, RejectReason.user.ApplicationContextNameNotSupported, 'application context name not supported');
  }
  if (policy.calledAeCheck === 'reject' && rq.calledAeTitle !== policy.aeTitle) {
    return reject(Permanent, RejectSource.ServiceUser, RejectReason.user.CalledAeTitleNotRecognized, 'called AE title not recognized');
  }
  if (policy.allowedCallingAeTitles.length > 0 && !policy.allowedCallingAeTitles.includes(rq.callingAeTitle)) {
    return reject(Permanent, RejectSource.ServiceUser, RejectReason.user.CallingAeTitleNotRecognized, 'calling AE title not recognized');
  }
  if (policy.allowedHosts.length > 0 && !policy.allowedHosts.includes(peer.address)) {
    return reject(Permanent, RejectSource.ServiceUser, RejectReason.user.NoReasonGiven, 'host not allowed');
  }
  if (!peer.hasRoom()) {
    return reject(Transient, RejectSource.ServiceProviderPresentation, RejectReason.presentation.LocalLimitExceeded, 'local limit exceeded');
  }
  const contexts = new Map<number, AcceptedContext>();
  const results: PresentationContextResult[] = rq.presentationContexts.map((pc) => {
    if (!policy.abstractSyntaxes.has(pc.abstractSyntax)) {
      return { id: pc.id, result: PresentationResult.AbstractSyntaxNotSupported, transferSyntax: TransferSyntax.ImplicitVrLittleEndian };
    }
    const ts = SUPPORTED_TRANSFER_SYNTAXES.find((s) => pc.transferSyntaxes.includes(s));
    if (!ts) return { id: pc.id, result: PresentationResult.TransferSyntaxesNotSupported, transferSyntax: TransferSyntax.ImplicitVrLittleEndian };
    contexts.set(pc.id, { id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntax: ts, explicitVr: ts === TransferSyntax.ExplicitVrLittleEndian, queryOptions: NO_OPTIONS });
    return { id: pc.id, result: PresentationResult.Acceptance, transferSyntax: ts };
  });
  const extended = answerExtendedNegotiation(rq.userInformation.extendedNegotiations ?? [], new Set([...contexts.values()].map((c) => c.abstractSyntax)));
  for (const c of contexts.values()) c.queryOptions = extended.accepted.get(c.abstractSyntax) ?? NO_OPTIONS;
  const pdu: AssociateAcPdu = {
    type: PduType.AssociateAc,
    protocolVersion: 1,
    // PS3.8 9.3.3: these fields echo the request.
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: results,
    // No async-ops or role-selection reply: PS3.7 D.3.3 reads silence as the defaults we want.
    userInformation: {
      maxLength: policy.maxPduLength,
      implementationClassUid: policy.implementationClassUid,
      implementationVersionName: policy.implementationVersionName,
      roleSelections: [],
      extendedNegotiations: extended.reply,
    },
  };
  return { accepted: true, pdu, contexts };
}
