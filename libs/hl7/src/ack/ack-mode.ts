import type { AckTypes } from '../msh/msh-validator';
import { AckCode } from './ack-builder';
import { Hl7Error } from './hl7-error';

/** What happened to the message: stored and applied, found bad (AE), or refused (AR). */
export type AckOutcome = 'accepted' | 'error' | 'rejected';

/**
 * `sent`: original mode, the ACK we send is the application ACK.
 * `requested-not-sent`: enhanced mode, MSH-16 asks for one; we open no return link (hl7-inbound.md §5.1),
 * so it is only recorded (log/metric) for the day a partner needs it.
 * `not-requested`: enhanced mode, MSH-16 does not ask for one for this outcome.
 */
export type ApplicationAck = 'sent' | 'requested-not-sent' | 'not-requested';

export interface AckDecision {
  send: boolean;
  code: AckCode;
  mode: 'original' | 'enhanced';
  applicationAck: ApplicationAck;
}

export interface AckModePolicy {
  /**
   * The sender profile's ACK mode. `original` (the default): every message gets the application
   * ACK AA/AE/AR on its own connection whatever MSH-15/16 say, as HAPI's and Mirth's receivers do;
   * a sender that fills MSH-15/16 out of habit would otherwise get a CE that hides an AE, or no
   * application ACK at all (hl7-inbound.md §5.1). `enhanced`: MSH-15/16 decide, as below.
   */
  ackMode?: 'original' | 'enhanced';
  /**
   * Follow MSH-15 to the letter (NE never, ER only on error, SU only on success). Off by default:
   * the issue requires that "an ACK is always sent". MLLP is synchronous per connection (the sender
   * waits for a reply before the next message, hl7-inbound.md §1), and a sender that sets NE but
   * still waits would hang until its timeout and then resend. An ACK it did not ask for is harmless:
   * MSA-2 names the message it answers, so a sender that does not wait can drop it. This deviates
   * from HL7 v2.5.1 §2.9.2 / table 0155 on purpose; turn it on per partner if one complains.
   */
  honourAcceptAckType?: boolean;
}

const ORIGINAL: Record<AckOutcome, AckCode> = { accepted: 'AA', error: 'AE', rejected: 'AR' };
const COMMIT: Record<AckOutcome, AckCode> = { accepted: 'CA', error: 'CE', rejected: 'CR' };

/**
 * Acknowledgment mode decision (hl7-inbound.md §5.1, HL7 v2.5.1 §2.9, table 0155).
 * Original mode (the profile's default, or MSH-15 and MSH-16 empty): the application ACK AA/AE/AR, always.
 * Enhanced mode (a profile that asks for it, and MSH-15/16 set): the commit ACK CA/CE/CR, sent after the message is stored. Our commit happens in
 * the same transaction as processing (STYLE.md §13), and no application ACK follows, so the commit
 * ACK carries the processing outcome too: CE/CR with the ERR segment rather than a bare CA.
 */
export function decideAck(info: AckTypes, outcome: AckOutcome, policy: AckModePolicy = {}): AckDecision {
  if ((policy.ackMode ?? 'original') === 'original' || !info.enhancedMode) return { send: true, code: ORIGINAL[outcome], mode: 'original', applicationAck: 'sent' };
  const send = policy.honourAcceptAckType ? wants(info.acceptAckType, outcome) : true;
  const applicationAck = wants(info.applicationAckType, outcome) ? 'requested-not-sent' : 'not-requested';
  return { send, code: COMMIT[outcome], mode: 'enhanced', applicationAck };
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
