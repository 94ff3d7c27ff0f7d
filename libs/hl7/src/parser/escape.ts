import { Delimiters } from './delimiters';

/** Decodes hex escapes (\Xhh..\) with the message's character set. */
export type HexDecoder = (bytes: Buffer) => string;

const latin1Hex: HexDecoder = (bytes) => bytes.toString('latin1');

/**
 * Unescapes one leaf value (HL7 v2.5.1 §2.7). Called after splitting, never before.
 * Formatting commands (\.br\, \H\, \N\ …) become a line break or nothing; locally defined
 * \Z..\ sequences and charset switches (\C..\, \M..\) are dropped.
 */
export function unescapeValue(value: string, d: Delimiters, decodeHex: HexDecoder = latin1Hex): string {
  const esc = d.escape;
  if (!esc || value.indexOf(esc) < 0) return value;
  // Slices between escapes, joined once: linear in the value whatever its escapes.
  const parts: string[] = [];
  let from = 0;
  for (let start = value.indexOf(esc); start >= 0; start = value.indexOf(esc, from)) {
    const end = value.indexOf(esc, start + 1);
    if (end < 0) break; // a lone escape character is kept as sent
    parts.push(value.slice(from, start), expand(value.slice(start + 1, end), d, decodeHex));
    from = end + 1;
  }
  parts.push(value.slice(from));
  return parts.join('');
}

function expand(seq: string, d: Delimiters, decodeHex: HexDecoder): string {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
    case 'P': return d.truncation ?? '';
    case 'H': case 'N': return '';
    case '.br': return '\n';
    case '': return '';
  }
  const kind = seq[0];
  if (kind === 'X' && /^X([0-9A-Fa-f]{2})+$/.test(seq)) return decodeHex(Buffer.from(seq.slice(1), 'hex'));
  if (kind === '.' || kind === 'Z' || kind === 'C' || kind === 'M') return '';
  return `${d.escape}${seq}${d.escape}`; // unknown: keep it visible rather than guess
}

/** Escapes a value for output: the escape character first, then the separators. */
export function escapeValue(value: string, d: Delimiters): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r') out += `${d.escape}X0D${d.escape}`;
    else if (ch === '\n') out += `${d.escape}.br${d.escape}`;
    else out += ch;
  }
  return out;
}
