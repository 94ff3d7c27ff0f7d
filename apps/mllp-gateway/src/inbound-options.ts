import { Env } from '@radflow/config';
import { ALL_LENIENT, DEFAULT_ACCESSION_SOURCES, DEFAULT_MODALITY_ALIASES, Hl7InboundOptions, SenderProfile } from '@radflow/hl7';
import { senderProfilesFrom } from './sender-profiles-file';

/** @throws ConfigError when HL7_SENDER_PROFILES names a file that cannot be used (one line). */
export function inboundOptionsFrom(env: Env): Hl7InboundOptions {
  return {
    defaultCharset: env.HL7_DEFAULT_CHARSET,
    processingIds: env.HL7_PROCESSING_IDS,
    unhandledAdt: env.HL7_UNHANDLED_ADT,
    duplicateIdNewContent: env.HL7_DUPLICATE_ID_NEW_CONTENT,
    receivingApplication: env.HL7_RECEIVING_APPLICATION,
    receivingFacility: env.HL7_RECEIVING_FACILITY,
    stationAeByModality: env.HL7_STATION_AE_BY_MODALITY,
    orderPolicy: { newOrderWhenExists: env.HL7_NEW_ORDER_EXISTS, uidRoot: env.RADFLOW_UID_ROOT },
    profiles: senderProfilesFrom(env, defaultProfileFrom(env)),
    limits: { maxSegments: env.HL7_MAX_SEGMENTS, maxRepetitions: env.HL7_MAX_REPETITIONS, maxFieldChars: env.HL7_MAX_FIELD_CHARS },
  };
}

/** The profile every sender gets when no profile file names it: today's variables, all rules lenient. */
export function defaultProfileFrom(env: Env): SenderProfile {
  return {
    name: 'default',
    charset: env.HL7_DEFAULT_CHARSET,
    ackMode: 'original',
    leniency: ALL_LENIENT,
    accessionSources: DEFAULT_ACCESSION_SOURCES,
    stationAeByModality: env.HL7_STATION_AE_BY_MODALITY,
    stationAeByLocation: {},
    modalityAliases: DEFAULT_MODALITY_ALIASES,
    processingIds: env.HL7_PROCESSING_IDS,
    newOrderWhenExists: env.HL7_NEW_ORDER_EXISTS,
  };
}
