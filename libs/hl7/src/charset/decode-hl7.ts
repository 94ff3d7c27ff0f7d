import { isAscii, isUtf8 } from 'buffer';
import { findHl7Charset, hl7Charset, Hl7CharsetDef, Hl7CharsetName, resolveHl7Charset } from './hl7-charset';
import { Hl7CharsetError, Hl7CharsetErrorCode } from './hl7-charset.errors';
import { decodeIso2022Jp, hasJisDesignation, Iso2022G1 } from './iso-2022-jp.codec';
import { readRawMsh } from './raw-msh.reader';
import { decodeBytes } from './decode-bytes';

export interface DecodeHl7Options {
  /** Assumed when MSH-18 is empty or absent: a per-deployment or per-sender setting, e.g. 'UNICODE UTF-8'. */
  readonly defaultCharset: string;
}

export interface DecodedHl7 {
  /** The whole message; leading CR/LF and a UTF-8 BOM removed, segment terminators left as sent. */
  readonly text: string;
  /** Canonical table 0211 name of the charset actually used: answer in this one (encodeHl7). */
  readonly charset: Hl7CharsetName;
  /** MSH-18 first repetition exactly as sent; null when empty or absent. */
  readonly declared: string | null;
  readonly bomStripped: boolean;
  /** The bytes disagreed with the label (or the default): log it, and consider a per-sender override. */
  readonly mismatch: boolean;
}

type Outcome = Pick<DecodedHl7, 'text' | 'charset' | 'mismatch'>;

/**
 * Turns the raw payload of one HL7 v2 message (MLLP frame already removed) into text, following
 * MSH-18 but believing the bytes when they clearly disagree with it (see hl7-inbound.md §2, charsets.md §3).
 * @throws Hl7CharsetError NOT_HL7, UNKNOWN_CHARSET, UNSUPPORTED_CHARSET
 */
export function decodeHl7(raw: Buffer, options: DecodeHl7Options): DecodedHl7 {
  rejectWideUnicode(raw);
  const bomStripped = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  const afterBom = bomStripped ? raw.subarray(3) : raw;
  const msh = readRawMsh(afterBom);
  const bytes = afterBom.subarray(msh.start);
  const [first = '', ...extensions] = msh.charsetRepetitions;
  const declared = first.trim() === '' ? null : first;
  // `~ISO IR87` (empty first repetition plus code extensions) is the ISO 2022 way of saying "ASCII
  // first": only a wholly empty MSH-18 falls back to the deployment's default.
  const hasExtensions = extensions.some((label) => label.trim() !== '');
  const outcome = bomStripped
    ? decodeAfterBom(bytes, declared)
    : decodeLabelled(bytes, declared ?? (hasExtensions ? 'ASCII' : options.defaultCharset), extensions);
  return { ...outcome, declared, bomStripped };
}

/** A UTF-8 BOM outranks any label: no other charset starts with EF BB BF followed by `MSH`. */
function decodeAfterBom(bytes: Buffer, declared: string | null): Outcome {
  const label = declared === null ? undefined : findHl7Charset(declared);
  const outcome = decodeAs(bytes, label?.kind === 'utf8' ? label : hl7Charset('UNICODE UTF-8'));
  return { ...outcome, mismatch: outcome.mismatch || (declared !== null && label?.kind !== 'utf8') };
}

function decodeLabelled(bytes: Buffer, label: string, extensions: readonly string[]): Outcome {
  const base = resolveHl7Charset(label);
  // Repetitions 2..n of MSH-18 name sets switched in by ISO 2022 escapes; only the JIS and KS X 1001
  // sets are used that way in practice. Unknown extra repetitions are ignored: the first one rules.
  const sets = [base, ...extensions.map(findHl7Charset).filter((d): d is Hl7CharsetDef => d !== undefined)];
  if (base.kind === 'ascii' || base.kind === 'single-byte' || base.kind === 'iso-2022-jp') {
    // Report the widest JIS set declared: it is what encodeHl7 may then use when we answer.
    const jis = ['ISO IR159', 'ISO IR87', 'ISO IR14'].map((name) => sets.find((d) => d.name === name)).find((d) => d !== undefined);
    if (jis) return decodeJis(bytes, jis, initialG1(base, sets));
  }
  if (base.kind === 'ascii' && sets.some((d) => d.kind === 'euc-kr')) return decodeAs(bytes, hl7Charset('KS X 1001'));
  // Japanese senders that leave MSH-18 empty: ESC $ B in 7-bit text is unmistakable.
  if ((base.kind === 'ascii' || base.kind === 'utf8') && hasJisDesignation(bytes) && isAscii(bytes)) {
    return { ...decodeJis(bytes, hl7Charset('ISO IR87'), null), mismatch: true };
  }
  return decodeAs(bytes, base);
}

function decodeAs(bytes: Buffer, def: Hl7CharsetDef): Outcome {
  switch (def.kind) {
    case 'ascii':
      // High bytes under an ASCII label: UTF-8 if they form valid UTF-8, else Latin-1/Windows-1252.
      return isAscii(bytes) ? { text: bytes.toString('latin1'), charset: def.name, mismatch: false } : guessFromBytes(bytes);
    case 'utf8':
      return isUtf8(bytes) ? { text: bytes.toString('utf8'), charset: def.name, mismatch: false } : asWindows1252(bytes);
    case 'single-byte':
      // Non-ASCII bytes that are entirely valid UTF-8 are UTF-8: real ISO 8859 text practically never
      // is (é in Latin-1 is a lone 0xE9), while UTF-8 systems labelled "8859/1" are common.
      if (!isAscii(bytes) && isUtf8(bytes)) return { text: bytes.toString('utf8'), charset: 'UNICODE UTF-8', mismatch: true };
      return viaTable(bytes, def);
    case 'multi-byte':
      return viaTable(bytes, def);
    case 'euc-kr':
      return viaTable(withoutKsDesignations(bytes), def);
    case 'iso-2022-jp':
      return decodeJis(bytes, def, def.name === 'ISO IR14' ? { katakana: true } : null);
    case 'rejected':
      // resolveHl7Charset never returns these; kept for an exhaustive switch.
      throw new Hl7CharsetError(Hl7CharsetErrorCode.UnsupportedCharset, 'unsupported HL7 character set', { charset: def.name });
  }
}

function guessFromBytes(bytes: Buffer): Outcome {
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), charset: 'UNICODE UTF-8', mismatch: true } : asWindows1252(bytes);
}

/** Windows-1252 maps every byte (unlike strict Latin-1 it gives € at 0x80), so nothing is lost. */
function asWindows1252(bytes: Buffer): Outcome {
  return { text: decodeBytes('windows-1252', bytes).text, charset: '8859/1', mismatch: true };
}

function viaTable(bytes: Uint8Array, def: Hl7CharsetDef): Outcome {
  const { text, clean } = decodeBytes(def.decoder!, bytes);
  return { text, charset: def.name, mismatch: !clean };
}

function decodeJis(bytes: Buffer, def: Hl7CharsetDef, g1: Iso2022G1 | null): Outcome {
  const { text, clean } = decodeIso2022Jp(bytes, g1);
  return { text, charset: def.name, mismatch: !clean };
}

/** G1 before any escape: the first repetition's 8859 table, else katakana if ISO IR14 is declared anywhere. */
function initialG1(base: Hl7CharsetDef, sets: readonly Hl7CharsetDef[]): Iso2022G1 | null {
  if (base.kind === 'single-byte') return { table: base.decoder! };
  return sets.some((d) => d.name === 'ISO IR14') ? { katakana: true } : null;
}

const KS_X_1001_DESIGNATION = Buffer.from([0x1b, 0x24, 0x29, 0x43]); // ESC $ ) C

/** DICOM-minded senders designate KS X 1001 into G1 before Korean text; in EUC-KR it is already there. */
function withoutKsDesignations(bytes: Buffer): Buffer {
  if (bytes.indexOf(KS_X_1001_DESIGNATION) === -1) return bytes;
  const pieces: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(KS_X_1001_DESIGNATION); at !== -1; at = bytes.indexOf(KS_X_1001_DESIGNATION, from)) {
    pieces.push(bytes.subarray(from, at));
    from = at + KS_X_1001_DESIGNATION.length;
  }
  pieces.push(bytes.subarray(from));
  return Buffer.concat(pieces);
}

/** UTF-16/32 put NUL bytes into `MSH|`; say so instead of "not HL7", so the sender learns why. */
function rejectWideUnicode(raw: Buffer): void {
  const head = raw.subarray(0, 4);
  const bom16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (!bom16 && !head.includes(0)) return;
  const wide32 = (head[0] === 0 && head[1] === 0) || (head[2] === 0 && head[3] === 0);
  const charset: Hl7CharsetName = wide32 ? 'UNICODE UTF-32' : 'UNICODE UTF-16';
  throw new Hl7CharsetError(Hl7CharsetErrorCode.UnsupportedCharset, `${charset} payload: MLLP cannot carry it`, { charset });
}
