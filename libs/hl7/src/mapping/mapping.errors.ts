import { DomainError, DomainErrorCode, ErrorLocation } from '@radflow/domain';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';

/** `SEG^seq^field^component` as an ErrorLocation, with the segment's sequence number in this message. */
export function locate(msg: Hl7Message, seg: Hl7Segment, field?: number, component?: number): ErrorLocation {
  const loc: ErrorLocation = { segment: seg.name, sequence: msg.sequenceOf(seg) };
  if (field !== undefined) loc.field = field;
  if (component !== undefined) loc.component = component;
  return loc;
}

/** Messages name the HL7 field, never its content: they are logged (STYLE.md §8). */
export function requiredFieldMissing(what: string, location: ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.RequiredFieldMissing, `${what} missing`, location);
}

export function invalidValue(what: string, location: ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.InvalidValue, `invalid ${what}`, location);
}

export function valueTooLong(what: string, location: ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.ValueTooLong, `${what} too long`, location);
}

export function unsupportedMessage(what: string, location: ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.UnsupportedMessage, `unsupported ${what}`, location);
}
