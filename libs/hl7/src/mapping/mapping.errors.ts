import { DomainError, DomainErrorCode, InputOrigin } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';

/** `SEG^seq^field^component` as an Hl7ErrorLocation, with the segment's sequence number in this message. */
export function locate(msg: Hl7Message, seg: Hl7Segment, field?: number, component?: number): Hl7ErrorLocation {
  const loc: Hl7ErrorLocation = { segment: seg.name, sequence: msg.sequenceOf(seg) };
  if (field !== undefined) loc.field = field;
  if (component !== undefined) loc.component = component;
  return loc;
}

/** Messages name the HL7 field, never its content: they are logged (STYLE.md §8). */
export function requiredFieldMissing(what: string, location: Hl7ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.RequiredFieldMissing, `${what} missing`, { origin: location });
}

export function invalidValue(what: string, location: Hl7ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.InvalidValue, `invalid ${what}`, { origin: location });
}

export function valueTooLong(what: string, location: Hl7ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.ValueTooLong, `${what} too long`, { origin: location });
}

export function unsupportedMessage(what: string, location: Hl7ErrorLocation): DomainError {
  return new DomainError(DomainErrorCode.UnsupportedMessage, `unsupported ${what}`, { origin: location });
}

/** The HL7 location this edge put on a command part as its origin (the domain hands it back untouched). */
export function originOf(origin: InputOrigin | undefined): Hl7ErrorLocation | undefined {
  return origin as Hl7ErrorLocation | undefined;
}
