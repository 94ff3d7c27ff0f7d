import { DEFAULT_DELIMITERS, Delimiters, Hl7Message } from '../parser';
import { ackDelimiters, safeRaw, safeText } from './ack-safe-text';
import { HL7_ERROR_CODING_SYSTEM, HL7_ERROR_TEXT, Hl7Error, Hl7ErrorCode, Hl7ErrorLocation, Hl7Warning } from './hl7-error';

/** MSA-1, table 0008: original mode AA/AE/AR, enhanced-mode commit ACK CA/CE/CR. */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/**
 * What an ACK needs from the inbound MSH. Fields marked raw are copied as sent (still escaped with
 * the inbound delimiters, which the ACK reuses), so an HD like `RIS^1.2.3^ISO` survives intact.
 */
export interface AckInbound {
  /** MSH-3, raw */
  sendingApp: string;
  /** MSH-4, raw */
  sendingFacility: string;
  /** MSH-5, raw */
  receivingApp: string;
  /** MSH-6, raw */
  receivingFacility: string;
  /** MSH-9.2, unescaped; undefined when unknown */
  triggerEvent?: string;
  /** MSH-10, unescaped; echoed in MSA-2 */
  controlId?: string;
  /** MSH-11, raw */
  processingId: string;
  /** MSH-12, raw */
  version: string;
  /** MSH-18 first repetition, raw */
  charset: string;
  delimiters: Delimiters;
}

export interface BuildAckInput {
  inbound: AckInbound;
  code: AckCode;
  error?: Hl7Error;
  /** Accepted with a warning: one ERR with severity W each, after the error's, from v2.5 on (earlier ERRs have no severity). */
  warnings?: readonly Hl7Warning[];
  /** MSH-10 of the ACK itself: see newAckControlId() */
  ackControlId: string;
  now: Date;
  ourApplication: string;
  ourFacility: string;
  /** Offset written in MSH-7; defaults to the host's local offset at `now`. */
  utcOffsetMinutes?: number;
}

export const DEFAULT_ACK_PROCESSING_ID = 'P';
export const DEFAULT_ACK_VERSION = '2.5.1';
const MSA_TEXT_MAX = 80; // MSA-3 ST length in v2.3.1–2.6
const ERR_USER_MESSAGE_MAX = 250; // ERR-8 TX length in v2.5.1
/** Echoed header fields are cut here: far above any HD/ST length, yet a megabyte MSH-3 never comes back. */
const ECHO_MAX_CHARS = 1000;

/** Reads the AckInbound out of a parsed message. */
export function ackInboundOf(msg: Hl7Message): AckInbound {
  const msh = msg.msh;
  return {
    sendingApp: msh.raw(3),
    sendingFacility: msh.raw(4),
    receivingApp: msh.raw(5),
    receivingFacility: msh.raw(6),
    triggerEvent: msh.text(9, 2),
    controlId: msh.text(10),
    processingId: msh.raw(11),
    version: msh.raw(12),
    charset: msh.repetitions(18)[0] ?? '',
    delimiters: msg.delimiters,
  };
}

/**
 * Builds the ACK text (hl7-inbound.md §5.2): segments joined by CR, with a final CR. The layout
 * follows the inbound version: before 2.5 the error goes in MSA-6 + ERR-1 (ELD); from 2.5 on in
 * ERR-2/3/4/8 with ERR-1 left empty.
 */
export function buildAck(input: BuildAckInput): string {
  const { inbound, error } = input;
  const d = ackDelimiters(inbound.delimiters);
  // Every echoed value is made safe (ack-safe-text.ts): the ACK must frame and parse whatever came in.
  const raw = (value: string) => safeRaw(clipEchoed(value, inbound.delimiters.escape), inbound.delimiters, d);
  const esc = (s: string) => safeText(s, d);
  const version = raw(inbound.version) || DEFAULT_ACK_VERSION;
  const v = parseVersion(version.split(d.component)[0]);

  // MSH-3 … MSH-18: the inbound receiver becomes our sender and vice versa.
  const msh = [
    raw(inbound.receivingApp) || esc(input.ourApplication),
    raw(inbound.receivingFacility) || esc(input.ourFacility),
    raw(inbound.sendingApp),
    raw(inbound.sendingFacility),
    formatHl7Timestamp(input.now, input.utcOffsetMinutes),
    '',
    messageType(inbound.triggerEvent, v, d),
    esc(input.ackControlId),
    raw(inbound.processingId) || DEFAULT_ACK_PROCESSING_ID,
    version,
    '', '', '', '', '',
    raw(inbound.charset),
  ];
  // MSH-2 gets only the four classic encoding characters: dropping a v2.7 truncation character
  // means a `#` in our text needs no escaping and stays plain data for every receiver.
  const encoding = d.component + d.repetition + d.escape + d.subcomponent;
  const segments = [`MSH${d.field}${encoding}${d.field}${joinFields(msh, d)}`];

  const msa = [input.code, esc((inbound.controlId ?? '').slice(0, ECHO_MAX_CHARS))];
  // MSA-3 is withdrawn in v2.7; before that, v2.3-era receivers display it, so keep it short and there.
  if (error && !atLeast(v, 2, 7)) msa.push(escapeWithin(error.userMessage, d, MSA_TEXT_MAX));
  if (error && !atLeast(v, 2, 5)) msa.push('', '', codedError(error, d, d.component));
  segments.push(`MSA${d.field}${joinFields(msa, d)}`);

  if (error) segments.push(atLeast(v, 2, 5) ? errV25(error, d) : errV231(error, d));
  if (atLeast(v, 2, 5)) for (const warning of input.warnings ?? []) segments.push(warningErr(warning, d));
  return segments.join('\r') + '\r';
}

export interface BuildUnparseableAckInput {
  ackControlId: string;
  now: Date;
  ourApplication: string;
  ourFacility: string;
  /** Defaults to AR/100 at MSH^1: the message has no readable MSH. Its ackCode is ignored (always AR). */
  error?: Hl7Error;
  utcOffsetMinutes?: number;
}

/**
 * The ACK for bytes that are not HL7 at all (no readable MSH): AR, empty MSA-2 and receiver
 * fields (we do not know who sent it), default delimiters, version 2.5.1.
 */
export function buildAckForUnparseable(input: BuildUnparseableAckInput): string {
  const error =
    input.error ??
    new Hl7Error({
      ackCode: 'AR',
      errorCode: Hl7ErrorCode.SegmentSequenceError,
      userMessage: 'Message could not be parsed as HL7 v2',
      location: { segment: 'MSH', sequence: 1 },
    });
  return buildAck({
    inbound: {
      sendingApp: '',
      sendingFacility: '',
      receivingApp: '',
      receivingFacility: '',
      processingId: DEFAULT_ACK_PROCESSING_ID,
      version: DEFAULT_ACK_VERSION,
      charset: '',
      delimiters: DEFAULT_DELIMITERS,
    },
    code: 'AR',
    error,
    ackControlId: input.ackControlId,
    now: input.now,
    ourApplication: input.ourApplication,
    ourFacility: input.ourFacility,
    utcOffsetMinutes: input.utcOffsetMinutes,
  });
}

/** `YYYYMMDDHHMMSS+ZZZZ`, valid as TS (v2.3.1) and DTM (v2.5+). */
export function formatHl7Timestamp(date: Date, utcOffsetMinutes = -date.getTimezoneOffset()): string {
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const abs = Math.abs(utcOffsetMinutes);
  return (
    p(local.getUTCFullYear(), 4) + p(local.getUTCMonth() + 1) + p(local.getUTCDate()) +
    p(local.getUTCHours()) + p(local.getUTCMinutes()) + p(local.getUTCSeconds()) +
    (utcOffsetMinutes < 0 ? '-' : '+') + p(Math.floor(abs / 60)) + p(abs % 60)
  );
}

/** `ACK` alone when the trigger is unknown; `ACK^T` up to 2.3.1; `ACK^T^ACK` (MSG.3 structure) from 2.4. */
function messageType(trigger: string | undefined, v: number[], d: Delimiters): string {
  if (!trigger) return 'ACK';
  const t = safeText(trigger, d);
  return atLeast(v, 2, 4) ? `ACK${d.component}${t}${d.component}ACK` : `ACK${d.component}${t}`;
}

/** v2.3.1/2.4 ERR-1, ELD: `SEG^seq^field^code&text&HL70357` (ELD has no component position). */
function errV231(error: Hl7Error, d: Delimiters): string {
  const loc = error.location;
  const eld = [safeText(loc?.segment ?? '', d), num(loc && (loc.sequence ?? 1)), num(loc?.field), codedError(error, d, d.subcomponent)];
  return `ERR${d.field}${eld.join(d.component)}`;
}

/** v2.5+ ERR: ERR-1 empty, ERR-2 ERL, ERR-3 CWE, ERR-4 severity, ERR-8 user message. */
function errV25(error: Hl7Error, d: Delimiters): string {
  const fields = ['', error.location ? erl(error.location, d) : '', codedError(error, d, d.component), 'E', '', '', '', escapeWithin(error.userMessage, d, ERR_USER_MESSAGE_MAX)];
  return `ERR${d.field}${joinFields(fields, d)}`;
}

/** v2.5+ ERR for a warning: as errV25, severity W (table 0516). */
function warningErr(warning: Hl7Warning, d: Delimiters): string {
  const code = [String(warning.code), safeText(HL7_ERROR_TEXT[warning.code] ?? '', d), HL7_ERROR_CODING_SYSTEM].join(d.component);
  const fields = ['', warning.location ? erl(warning.location, d) : '', code, 'W', '', '', '', escapeWithin(warning.text, d, ERR_USER_MESSAGE_MAX)];
  return `ERR${d.field}${joinFields(fields, d)}`;
}

/** ERL `SEG^seq^field^rep^comp^sub`; the repetition is required once a field is named, 1 when not given. */
function erl(loc: Hl7ErrorLocation, d: Delimiters): string {
  const hasField = loc.field !== undefined;
  const parts = [
    safeText(loc.segment, d),
    num(loc.sequence ?? 1),
    num(loc.field),
    hasField ? num(loc.repetition ?? 1) : '',
    num(loc.component),
    loc.component !== undefined ? num(loc.subcomponent) : '',
  ];
  return trimTrailing(parts).join(d.component);
}

/** The 0357 code as CE/CWE: `code<sep>text<sep>HL70357`, sep being ^ (a field) or & (inside ELD). */
function codedError(error: Hl7Error, d: Delimiters, sep: string): string {
  return [String(error.errorCode), safeText(error.errorText, d), HL7_ERROR_CODING_SYSTEM].join(sep);
}

/** Escapes and truncates so the escaped text fits `max` characters without cutting an escape sequence. */
function escapeWithin(text: string, d: Delimiters, max: number): string {
  let out = '';
  for (const ch of text) {
    const e = safeText(ch, d);
    if (out.length + e.length > max) break;
    out += e;
  }
  return out;
}

function joinFields(fields: string[], d: Delimiters): string {
  return trimTrailing(fields).join(d.field);
}

function trimTrailing(parts: string[]): string[] {
  const out = [...parts];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

/** `2.5.1` → [2, 5, 1]; anything unreadable counts as 2.5.1, the layout we would pick ourselves. */
function parseVersion(text: string): number[] {
  return /^\d+(\.\d+)*$/.test(text) ? text.split('.').map(Number) : [2, 5, 1];
}

function atLeast(v: number[], major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && (v[1] ?? 0) >= minor);
}

/** Cuts a raw field to ECHO_MAX_CHARS without leaving half an escape sequence at the end. */
function clipEchoed(raw: string, escape: string): string {
  if (raw.length <= ECHO_MAX_CHARS) return raw;
  const cut = raw.slice(0, ECHO_MAX_CHARS);
  const escapes = cut.split(escape).length - 1;
  return escapes % 2 === 0 ? cut : cut.slice(0, cut.lastIndexOf(escape));
}
