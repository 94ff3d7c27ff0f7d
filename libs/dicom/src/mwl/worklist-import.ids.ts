import { createHash } from 'node:crypto';

/** Crockford base32: upper case, no I/L/O/U, so a generated id reads back the same off a screen. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Requested Procedure ID and SPS ID are SH: 16 characters at most. */
const SH_MAX = 16;

/**
 * Ids the import makes up for a file that carries none (hl7-orders-to-mwl.md: keep them ≤ 16
 * chars). Deterministic, so re-running the import on the same folder finds the same rows:
 *
 * - Requested Procedure ID: `RP` + 14 base32 characters of SHA-256 over the file's Study Instance
 *   UID when it has one (files of one study share their requested procedure, each keeping its own
 *   step), else over the file's source (`<folder name>/<file name>`), so that file is its own
 *   requested procedure.
 * - SPS ID: `SPS` + 13 base32 characters of SHA-256 over the file's source and the item's place in
 *   its Scheduled Procedure Step Sequence, so two files never share a generated step.
 *
 * No patient value goes into a hash: the ids may be logged, and a short hash of a patient id
 * could be reversed by trying every id.
 */
export function generatedRequestedProcedureId(source: string, studyInstanceUid: string | undefined): string {
  return shortId('RP', studyInstanceUid ? `study\0${studyInstanceUid}` : `file\0${source}`);
}

export function generatedStepId(source: string, itemNumber: number): string {
  return shortId('SPS', `step\0${source}\0${itemNumber}`);
}

function shortId(prefix: string, input: string): string {
  const hash = createHash('sha256').update(`radflow-import\0${input}`).digest();
  let bits = 0n;
  for (const byte of hash.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < SH_MAX - prefix.length; i++, bits >>= 5n) out += ALPHABET[Number(bits & 31n)];
  return prefix + out;
}
