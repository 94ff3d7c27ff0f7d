import { Hl7Message } from '../parser';
import { Hl7Error } from '../ack/hl7-error';
import { valueTooLongCode } from '../ack/domain-error.mapper';

/**
 * MSH-3, MSH-4 and MSH-10 are one unique index key of the message log, and a btree key holds
 * about 2,700 bytes. HL7 allows MSH-10 199 characters (v2.5+; 20 before) and an HD 180 (227 from
 * v2.5): 180 + 180 + 199 characters stay under the limit even at four UTF-8 bytes each.
 */
export const MESSAGE_KEY_MAX_CHARS: Readonly<Record<3 | 4 | 10, number>> = { 3: 180, 4: 180, 10: 199 };

const FIELD_NAMES: Readonly<Record<3 | 4 | 10, string>> = { 3: 'sending application', 4: 'sending facility', 10: 'message control ID' };

/** True when the key parts can be stored and indexed as they are. */
export function isStorableMessageKey(sendingApplication: string, sendingFacility: string, controlId: string): boolean {
  return fits(sendingApplication, 3) && fits(sendingFacility, 4) && fits(controlId, 10);
}

/**
 * AE at the first key field that cannot be stored: the message itself is fine to read, and the
 * sender can shorten it. MSH-10 is read unescaped, MSH-3/4 as sent, as the log stores them.
 * @throws Hl7Error
 */
export function checkMessageKey(msg: Hl7Message, version: string): void {
  const values: Record<3 | 4 | 10, string> = { 3: msg.msh.raw(3), 4: msg.msh.raw(4), 10: msg.controlId ?? '' };
  for (const field of [3, 4, 10] as const) {
    if (fits(values[field], field)) continue;
    throw new Hl7Error({
      ackCode: 'AE',
      errorCode: valueTooLongCode(version),
      userMessage: `MSH-${field} ${FIELD_NAMES[field]} longer than ${MESSAGE_KEY_MAX_CHARS[field]} characters`,
      location: { segment: 'MSH', sequence: 1, field },
    });
  }
}

function fits(value: string, field: 3 | 4 | 10): boolean {
  return value.length <= MESSAGE_KEY_MAX_CHARS[field] && !value.includes('\u0000');
}
