import { Logger } from '@radflow/observability';
import { AckCode, ackInboundOf, buildAck, buildAckForUnparseable, buildFallbackAck, decideAck, FallbackAckReason, Hl7Error, Hl7Warning, isFramableAck, newAckControlId, outcomeOf } from '../ack';
import { encodeHl7 } from '../charset';
import { readAckTypes } from '../msh';
import { Hl7Message } from '../parser';
import { SenderProfile } from './sender-profile';

/** One ACK as bytes to send and to store. */
export interface WrittenAck {
  bytes: Buffer;
  code: string;
}

/** The commit ACK, and in true enhanced mode the application ACK for the sender's return link. */
export interface MessageAcks extends WrittenAck {
  applicationAck?: WrittenAck;
}

/** What the writer needs of a message: its parse (none when unreadable), charset and sender's profile. */
export interface AckedMessage {
  msg?: Hl7Message;
  charset: string | null;
  profile: SenderProfile;
}

/**
 * Writes the ACKs of the inbound edge: original or enhanced mode as the sender's profile and
 * MSH-15/16 decide, in the message's charset, and always framable — should the encoded bytes
 * hold MLLP block characters, the sender gets the fallback AR built from our own names, not nothing.
 */
export class AckWriter {
  constructor(
    private readonly us: { receivingApplication: string; receivingFacility: string },
    private readonly log: Logger,
  ) {}

  /** The ACKs for a message, refused with `error` or applied (with `warnings`). A resend gets these very bytes from the store. */
  forMessage(m: AckedMessage, error?: Hl7Error, warnings: readonly Hl7Warning[] = []): MessageAcks {
    if (!m.msg) {
      const text = buildAckForUnparseable({ ackControlId: newAckControlId(), now: new Date(), ourApplication: this.us.receivingApplication, ourFacility: this.us.receivingFacility, error });
      return this.framableOrFallback({ bytes: Buffer.from(text, 'latin1'), code: 'AR' });
    }
    const decision = decideAck(readAckTypes(m.msg), outcomeOf(error), { ackMode: m.profile.ackMode });
    // True enhanced mode: a stored message's commit ACK says only that (CA); its error is the application ACK's.
    const trueCommit = m.profile.ackMode === 'enhanced' && decision.code === 'CA';
    const ack = this.framableOrFallback(this.encoded(m, decision.code, trueCommit ? undefined : error, trueCommit ? [] : warnings));
    if (decision.applicationAck !== 'to-send' || !decision.applicationCode) return ack;
    return { ...ack, applicationAck: this.framableOrFallback(this.encoded(m, decision.applicationCode, error, warnings)) };
  }

  /** The minimal AR of our own names, for when nothing else can be sent. */
  fallback(reason: FallbackAckReason): WrittenAck {
    const bytes = buildFallbackAck({ reason, ourApplication: this.us.receivingApplication, ourFacility: this.us.receivingFacility });
    return { bytes, code: 'AR' };
  }

  private encoded(m: AckedMessage, code: AckCode, error?: Hl7Error, warnings: readonly Hl7Warning[] = []): WrittenAck {
    const text = buildAck({
      inbound: { ...ackInboundOf(m.msg!), charset: m.charset ?? '' }, code, error, warnings, ackControlId: newAckControlId(), now: new Date(),
      ourApplication: this.us.receivingApplication, ourFacility: this.us.receivingFacility,
    });
    return { bytes: encodeInCharset(text, m.charset), code };
  }

  private framableOrFallback(ack: WrittenAck): WrittenAck {
    if (isFramableAck(ack.bytes)) return ack;
    this.log.error({ event: 'hl7.ack-unframable', ackCode: ack.code, ackBytes: ack.bytes.length }, 'built ACK holds MLLP block bytes; sending the fallback AR');
    return this.fallback('ack-unframable');
  }
}

/**
 * Text in the charset we read the message in, which its MSH-18 names. Our own text is ASCII; an
 * echoed id the charset cannot hold is written as '?' rather than as bytes of another set.
 */
export function encodeInCharset(text: string, charset: string | null): Buffer {
  if (!charset) return Buffer.from(text, 'latin1');
  try {
    return encodeHl7(text, charset);
  } catch {
    return encodeHl7(text.replace(/[^\x00-\x7f]/g, '?'), charset);
  }
}
