/** MSA-1 codes an ACK may carry (HL7 table 0008). */
export const ACK_CODES = new Set(['AA', 'AE', 'AR', 'CA', 'CE', 'CR']);
export const REFUSALS = new Set(['AE', 'AR', 'CE', 'CR']);

export interface AckView {
  /** MSA-1 and MSA-2 of every MSA segment (a batch ACK has one per message). */
  msas: { code: string; controlId: string }[];
  batch: boolean;
  /** Why this is not an ACK we accept, or undefined. */
  problem?: string;
}

/** Reads an ACK payload the way a RIS would: MSH (or BHS/FHS for a batch) first, then MSA-1 in table 0008. */
export function readAck(payload: Buffer): AckView {
  const segs = payload.toString('latin1').split(/\r\n|\r|\n/).filter(Boolean);
  const head = segs[0] ?? '';
  const batch = /^(BHS|FHS)/.test(head);
  // An ACK may echo the sender's delimiters, so each MSA is read with the field separator of the
  // MSH (or BHS) before it, as a RIS reading the batch one message at a time would.
  let sep = head.charAt(3);
  const msas: AckView['msas'] = [];
  for (const s of segs) {
    if (/^(MSH|BHS|FHS)/.test(s)) sep = s.charAt(3);
    if (!s.startsWith(`MSA${sep}`)) continue;
    const f = s.split(sep);
    msas.push({ code: f[1] ?? '', controlId: f[2] ?? '' });
  }
  let problem: string | undefined;
  if (!/^(MSH|BHS|FHS)[^A-Za-z0-9\s]/.test(head)) problem = `ACK does not start with MSH and a field separator: ${JSON.stringify(head.slice(0, 40))}`;
  else if (!batch && msas.length !== 1) problem = `ACK with ${msas.length} MSA segments`;
  else if (msas.some((m) => !ACK_CODES.has(m.code))) problem = `MSA-1 not in AA/AE/AR/CA/CE/CR: ${JSON.stringify(msas.map((m) => m.code))}`;
  return { msas, batch, problem };
}
