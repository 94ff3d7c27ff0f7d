import { Delimiters } from './delimiters';
import { HexDecoder, unescapeValue } from './escape';

/**
 * A value read from a message: a string, `null` for the HL7 null `""` (which means "delete the
 * stored value"), or `undefined` when the sender left it empty ("keep the stored value").
 */
export type Hl7Value = string | null | undefined;

export const HL7_NULL = '""';

/**
 * One segment. fields[n] is field n as sent (still escaped), counted as HL7 counts: for MSH,
 * fields[1] is the field separator itself, so MSH-9 is fields[9] like every other segment.
 */
export class Hl7Segment {
  constructor(
    readonly name: string,
    readonly fields: readonly string[],
    private readonly d: Delimiters,
    private readonly decodeHex?: HexDecoder,
  ) {}

  /** The raw (escaped) text of field n, all repetitions. */
  raw(field: number): string {
    return this.fields[field] ?? '';
  }

  /** Repetitions of field n, each the raw text of one repetition. */
  repetitions(field: number): string[] {
    const raw = this.raw(field);
    if (raw === '') return [];
    if (this.name === 'MSH' && field <= 2) return [raw];
    return raw.split(this.d.repetition);
  }

  /** Field n, component c, subcomponent s of repetition rep (all 1-based except rep). */
  get(field: number, component = 1, subcomponent = 1, rep = 0): Hl7Value {
    if (this.name === 'MSH' && field <= 2) return this.raw(field) || undefined;
    const reps = this.repetitions(field);
    const r = reps[rep];
    if (r === undefined) return undefined;
    return readLeaf(r, component, subcomponent, this.d, this.decodeHex);
  }

  /** Like get() but "" and empty both come back as undefined: for keys and routing. */
  text(field: number, component = 1, subcomponent = 1, rep = 0): string | undefined {
    const v = this.get(field, component, subcomponent, rep);
    return v === null || v === undefined ? undefined : v;
  }

  /** A leaf from one repetition's raw text (see repetitions()). */
  leaf(repetition: string, component = 1, subcomponent = 1): Hl7Value {
    return readLeaf(repetition, component, subcomponent, this.d, this.decodeHex);
  }

  /** True when field n holds exactly the HL7 null. */
  isNull(field: number): boolean {
    return this.raw(field) === HL7_NULL;
  }
}

function readLeaf(rep: string, component: number, subcomponent: number, d: Delimiters, decodeHex?: HexDecoder): Hl7Value {
  if (rep === HL7_NULL) return null; // the whole field is null, so is every part of it
  const comps = rep.split(d.component);
  const comp = comps[component - 1];
  if (comp === undefined) return undefined;
  const subs = comp.split(d.subcomponent);
  const sub = subs[subcomponent - 1];
  if (sub === undefined) return undefined;
  const trimmed = sub.replace(/ +$/, ''); // trailing spaces are padding from fixed-width senders
  if (trimmed === '') return undefined;
  if (trimmed === HL7_NULL) return null;
  return unescapeValue(trimmed, d, decodeHex);
}
