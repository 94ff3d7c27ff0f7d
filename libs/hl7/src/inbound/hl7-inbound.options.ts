import { OrderPolicy } from '@radflow/domain';
import { Hl7Limits } from '../parser';
import { ApplicationAckSender } from './application-ack.sender';
import { SenderProfiles } from './sender-profile';

/** Site choices for inbound HL7, taken from the validated environment by the app. */
export interface Hl7InboundOptions {
  defaultCharset: string;
  processingIds: readonly string[];
  unhandledAdt: 'accept' | 'reject';
  duplicateIdNewContent: 'process' | 'reject';
  receivingApplication: string;
  receivingFacility: string;
  stationAeByModality: Record<string, string>;
  localIssuer?: string;
  orderPolicy: OrderPolicy;
  /** Caps on one message (HL7_MAX_SEGMENTS, HL7_MAX_REPETITIONS, HL7_MAX_FIELD_CHARS); the parser's defaults when unset. */
  limits?: Hl7Limits;
  /** Per-sender choices (sender profiles); every sender gets the environment's profile when unset. */
  profiles?: SenderProfiles;
  /** Delivers application ACKs of senders in true enhanced mode (profile ackMode `enhanced`). */
  applicationAcks?: ApplicationAckSender;
}
