import { DomainError, DomainErrorCode } from '@radflow/domain';
import type { NResponse } from '../dimse/dimse-handler';
import { keywordOf } from '../dimse/dicom-dictionary';
import { isPresent, MppsOrigin, tagsOf } from './mpps-attributes';

/** PS3.7 Annex C and PS3.4 F.7 statuses an MPPS SCP answers. */
export const MppsStatus = {
  Success: 0x0000,
  InvalidAttributeValue: 0x0106,
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchSopInstance: 0x0112,
  MissingAttribute: 0x0120,
  MissingAttributeValue: 0x0121,
} as const;

/** Error ID (0000,0903) with 0110: the performed step is final (dcm4che BasicMPPSSCP.mayNoLongerBeUpdated). */
export const MAY_NO_LONGER_BE_UPDATED = 0xa710;
const MAY_NO_LONGER_BE_UPDATED_TEXT = 'Performed Procedure Step Object may no longer be updated';

type ErrorRow = (e: DomainError, origin: MppsOrigin | undefined) => NResponse;

const attributeList = (e: DomainError, origin: MppsOrigin | undefined) => {
  const tags = tagsOf(e.subject?.attribute, origin);
  return tags.length ? tags : undefined;
};
const named = (e: DomainError, origin: MppsOrigin | undefined, what: string) => {
  const keywords = tagsOf(e.subject?.attribute, origin).map((t) => keywordOf(t) ?? '').filter(Boolean);
  return keywords.length ? `${keywords.join(', ')} ${what}` : e.message;
};

/**
 * Every domain error → the DIMSE status of an N-CREATE / N-SET response (STYLE.md §6), naming the
 * attribute in Attribute Identifier List (0000,1005) where one is at fault. Codes not listed are
 * processing failures.
 */
const ROWS: Partial<Record<DomainErrorCode, ErrorRow>> = {
  [DomainErrorCode.DuplicatePerformedStep]: () => ({ status: MppsStatus.DuplicateSopInstance, errorComment: 'Performed Procedure Step exists already' }),
  [DomainErrorCode.UnknownPerformedStep]: () => ({ status: MppsStatus.NoSuchSopInstance, errorComment: 'No such Performed Procedure Step' }),
  [DomainErrorCode.InvalidTransition]: (e) =>
    e.subject?.entity === 'performed-step'
      ? { status: MppsStatus.ProcessingFailure, errorId: MAY_NO_LONGER_BE_UPDATED, errorComment: MAY_NO_LONGER_BE_UPDATED_TEXT }
      : { status: MppsStatus.ProcessingFailure, errorComment: e.message },
  [DomainErrorCode.RequiredFieldMissing]: (e, origin) =>
    isPresent(e.subject?.attribute, e.subject?.origin as MppsOrigin | undefined)
      ? { status: MppsStatus.MissingAttributeValue, attributeIdentifierList: attributeList(e, origin), errorComment: named(e, origin, 'has no value') }
      : { status: MppsStatus.MissingAttribute, attributeIdentifierList: attributeList(e, origin), errorComment: named(e, origin, 'is missing') },
  [DomainErrorCode.InvalidValue]: (e, origin) => ({ status: MppsStatus.InvalidAttributeValue, attributeIdentifierList: attributeList(e, origin), errorComment: named(e, origin, 'has an invalid value') }),
  [DomainErrorCode.ValueTooLong]: (e, origin) => ({ status: MppsStatus.InvalidAttributeValue, attributeIdentifierList: attributeList(e, origin), errorComment: named(e, origin, 'is too long') }),
  [DomainErrorCode.UnchangeableValue]: (e, origin) => ({ status: MppsStatus.InvalidAttributeValue, attributeIdentifierList: attributeList(e, origin), errorComment: named(e, origin, 'may not be changed') }),
};

/** The response for a failed N-CREATE / N-SET: a domain error by the table, anything else 0110 without an Error ID. */
export function mppsFailure(e: unknown): NResponse {
  if (!(e instanceof DomainError)) return { status: MppsStatus.ProcessingFailure, errorComment: 'Processing failure' };
  const row = ROWS[e.code];
  const origin = e.subject?.origin as MppsOrigin | undefined;
  return row ? row(e, origin) : { status: MppsStatus.ProcessingFailure, errorComment: e.message };
}
