import { DEFAULT_DELIMITERS, Delimiters, escapeValue, unescapeValue } from '../parser';

/**
 * Everything an ACK echoes from the inbound message goes through here, so the ACK is always
 * framable and always parses: a control character (0x00-0x1F, 0x7F) in an echoed value would be
 * MLLP's 0x0B/0x1C (the frame cannot be sent), a CR/LF (it splits a segment) or noise a receiver
 * chokes on. Such characters become HL7 hex escapes `\Xhh\`, which a receiver decodes back to the
 * byte it sent (an MSA-2 that still matches its MSH-10).
 */
const CONTROL = /[\x00-\x1f\x7f]/;
const CONTROLS = /[\x00-\x1f\x7f]/g;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * Delimiters the ACK may reuse: distinct printable punctuation only. A message whose MSH-1/MSH-2
 * holds a control character (the parser allows anything but letters, digits and white space), or
 * a batch header with unusable ones, is answered with the standard `|^~\&`.
 */
export function ackDelimiters(inbound: Delimiters): Delimiters {
  const chars = [inbound.field, inbound.component, inbound.repetition, inbound.escape, inbound.subcomponent];
  const usable = chars.every((c) => c.length === 1 && !hasControlCharacter(c) && !/[A-Za-z0-9\s]/.test(c)) && new Set(chars).size === chars.length;
  return usable ? { ...inbound, truncation: undefined } : DEFAULT_DELIMITERS;
}

/** Escapes a plain (unescaped) value for the ACK: separators as usual, control characters as `\Xhh\`. */
export function safeText(text: string, d: Delimiters): string {
  let out = '';
  for (const ch of text) out += hasControlCharacter(ch) ? hexEscape(ch, d) : escapeValue(ch, d);
  return out;
}

/**
 * A raw (still escaped) inbound field for the ACK. With the inbound delimiters reused, only control
 * characters need escaping; with other delimiters the value is re-encoded leaf by leaf, keeping its
 * repetitions, components and subcomponents.
 */
export function safeRaw(raw: string, from: Delimiters, to: Delimiters): string {
  if (sameSeparators(from, to)) return raw.replace(CONTROLS, (ch) => hexEscape(ch, to));
  return raw
    .split(from.repetition)
    .map((rep) =>
      rep
        .split(from.component)
        .map((comp) => comp.split(from.subcomponent).map((leaf) => safeText(unescapeValue(leaf, from), to)).join(to.subcomponent))
        .join(to.component),
    )
    .join(to.repetition);
}

function sameSeparators(a: Delimiters, b: Delimiters): boolean {
  return a.field === b.field && a.component === b.component && a.repetition === b.repetition && a.escape === b.escape && a.subcomponent === b.subcomponent;
}

function hexEscape(ch: string, d: Delimiters): string {
  const hex = ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  return `${d.escape}X${hex}${d.escape}`;
}
