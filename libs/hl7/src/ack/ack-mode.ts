import type { AckMode } from '../inbound/sender-profile';
import type { AckTypes } from '../msh/msh-validator';
import { AckCode } from './ack-builder';
import { Hl7Error } from './hl7-error';

/** What happened to the message: stored and applied, found bad (AE), or refused (AR). */
export type AckOutcome = 'accepted' | 'error' | 'rejected';

/**
 * `sent`: original mode, the ACK we send is the application ACK.
 * `not-requested`: enhanced mode, MSH-16 does not ask for one for this outcome (or the commit was refused).
 * `to-send`: enhanced mode (the sender's profile): MSH-16 asks for one, and it goes to the sender's
 * return link as a message of its own.
 */
export type ApplicationAck = 'sent' | 'not-requested' | 'to-send';

export interface AckDecision {
  send: boolean;
  code: AckCode;
  mode: 'original' | 'enhanced';
  applicationAck: ApplicationAck;
  /** `to-send` only: MSA-1 of the application ACK (AA/AE/AR). */
  applicationCode?: AckCode;
}

export interface AckModePolicy {
  /**
   * The sender profile's ACK mode. `original` (the default): every message gets the application
   * ACK AA/AE/AR on its own connection whatever MSH-15/16 say, as HAPI's and Mirth's receivers do;
   * a sender that fills MSH-15/16 out of habit would otherwise get a CE that hides an AE, or no
   * application ACK at all (hl7-inbound.md §5.1). `enhanced`: true enhanced mode when MSH-15/16
   * are valued, the commit ACK saying only whether the message was stored (CA, or CR for a refused
   * one) and the outcome going in the application ACK.
   */
  ackMode?: AckMode;
  /**
   * Follow MSH-15 to the letter (NE never, ER only on error, SU only on success). Off by default:
   * every message must get an ACK. MLLP is synchronous per connection (the sender
   * waits for a reply before the next message, hl7-inbound.md §1), and a sender that sets NE but
   * still waits would hang until its timeout and then resend. An ACK it did not ask for is harmless:
   * MSA-2 names the message it answers, so a sender that does not wait can drop it. This deviates
   * from HL7 v2.5.1 §2.9.2 / table 0155 on purpose; turn it on per partner if one complains.
   */
  honourAcceptAckType?: boolean;
}

const ORIGINAL: Record<AckOutcome, AckCode> = { accepted: 'AA', error: 'AE', rejected: 'AR' };
/** True enhanced mode: a message found bad (AE) is still stored, so committed (CA); its AE is the application ACK's. */
const TRUE_COMMIT: Record<AckOutcome, AckCode> = { accepted: 'CA', error: 'CA', rejected: 'CR' };

/**
 * Acknowledgment mode decision (hl7-inbound.md §5.1, HL7 v2.5.1 §2.9, table 0155).
 * Original mode (the default profile, whatever MSH-15/16 say, or a message with both empty): the
 * application ACK AA/AE/AR after commit, on the same connection. True enhanced mode (a profile that
 * asks for it, and MSH-15/16 set): the commit ACK CA/CR, then the application ACK when MSH-16 wants one.
 */
export function decideAck(info: AckTypes, outcome: AckOutcome, policy: AckModePolicy = {}): AckDecision {
  if (policy.ackMode !== 'enhanced' || !info.enhancedMode) return { send: true, code: ORIGINAL[outcome], mode: 'original', applicationAck: 'sent' };
  return trueEnhanced(info, outcome, policy);
}

/** A refused commit (CR) gets no application ACK: nothing was accepted to be processed (HL7 v2.5.1 §2.9.2.2). */
function trueEnhanced(info: AckTypes, outcome: AckOutcome, policy: AckModePolicy): AckDecision {
  const code = TRUE_COMMIT[outcome];
  const send = policy.honourAcceptAckType ? wants(info.acceptAckType, code === 'CR' ? 'rejected' : 'accepted') : true;
  if (code === 'CR' || !wants(info.applicationAckType, outcome)) return { send, code, mode: 'enhanced', applicationAck: 'not-requested' };
  return { send, code, mode: 'enhanced', applicationAck: 'to-send', applicationCode: ORIGINAL[outcome] };
}

/** The outcome an error stands for: AE → error, AR → rejected; no error → accepted. */
export function outcomeOf(error?: Hl7Error): AckOutcome {
  if (!error) return 'accepted';
  return error.ackCode === 'AE' ? 'error' : 'rejected';
}

/**
 * Table 0155 for one outcome. Empty or unknown values count as AL: both fields are required in
 * enhanced mode, so a sender that leaves one out is broken, and answering is the failure mode that
 * does not stall its queue.
 */
function wants(ackType: string | undefined, outcome: AckOutcome): boolean {
  switch (ackType?.toUpperCase()) {
    case 'NE':
      return false;
    case 'ER':
      return outcome !== 'accepted';
    case 'SU':
      return outcome === 'accepted';
    default:
      return true;
  }
}
