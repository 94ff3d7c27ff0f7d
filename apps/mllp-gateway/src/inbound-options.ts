import { Env } from '@radflow/config';
import { Hl7InboundOptions } from '@radflow/hl7';

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
    limits: { maxSegments: env.HL7_MAX_SEGMENTS, maxRepetitions: env.HL7_MAX_REPETITIONS, maxFieldChars: env.HL7_MAX_FIELD_CHARS },
  };
}
