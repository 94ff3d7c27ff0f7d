/**
 * DIMSE status values (PS3.7 Annex C, PS3.4 C.4.1.1.4 and K.4.1.1.4, F.7). The C3xx values are our
 * choices inside the C-FIND "unable to process" range and follow pynetdicom's meanings so
 * operators who know one know the other:
 *   C310 the identifier could not be decoded, C311 the find handler threw.
 * A match that cannot be encoded is skipped (find-operation.ts); C312 is kept for SCUs and logs
 * that know it but no longer sent: one bad row must not hide the rest of the worklist.
 */
export const DimseStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingWarning: 0xff01,
  Cancel: 0xfe00,
  ProcessingFailure: 0x0110,
  NoSuchSopClass: 0x0118,
  SopClassNotSupported: 0x0122,
  UnrecognizedOperation: 0x0211,
  MistypedArgument: 0x0212,
  OutOfResources: 0xa700,
  IdentifierDoesNotMatchSopClass: 0xa900,
  FindUnableToDecodeIdentifier: 0xc310,
  FindHandlerFailed: 0xc311,
  FindMatchEncodingFailed: 0xc312,
} as const;

export function isPending(status: number): boolean {
  return status === DimseStatus.Pending || status === DimseStatus.PendingWarning;
}
