import { Delimiters } from './delimiters';
import { HexDecoder, unescapeValue } from './escape';

/**
 * A value read from a message: a string, `null` for the HL7 null `""` (which means "delete the
 * stored value"), or `undefined` when the sender left it empty ("keep the stored value").
 */
export type Hl7Value = string | null | undefined;

export const HL7_NULL = '""';

/** One repetition: its components, and those components already split into subcomponents (all still escaped). */
interface SplitRepetition {
  readonly components: readonly string[];
  readonly subcomponents: (readonly string[] | undefined)[];
}

/**
 * One segment. fields[n] is field n as sent (still escaped), counted as HL7 counts: for MSH,
 * fields[1] is the field separator itself, so MSH-9 is fields[9] like every other segment.
 *
 * Every field is split at most once, on first read, and the pieces are kept: mappers read one
 * field many times (each repetition, each component), and re-splitting on every read made a
 * field with N repetitions cost N² (hl7-inbound.md §9).
 */
export class Hl7Segment {
  private readonly repetitionCache: (readonly string[] | undefined)[] = [];
  private readonly splitCache: ((SplitRepetition | undefined)[] | undefined)[] = [];

  constructor(
    readonly name: string,
    readonly fields: readonly string[],
    private readonly d: Delimiters,
    private readonly decodeHex?: HexDecoder,
    /** 1-based number of this segment among the message's segments of the same name (ERR locations). */
    readonly sequence = 1,
  ) {}

  /** The raw (escaped) text of field n, all repetitions. */
  raw(field: number): string {
    return this.fields[field] ?? '';
  }

  /** Repetitions of field n, each the raw text of one repetition. */
  repetitions(field: number): readonly string[] {
    const cached = this.repetitionCache[field];
    if (cached) return cached;
    const raw = this.raw(field);
    let reps: readonly string[];
    if (raw === '') reps = [];
    else if (this.name === 'MSH' && field <= 2) reps = [raw];
    else reps = raw.split(this.d.repetition);
    this.repetitionCache[field] = reps;
    return reps;
  }

  /** Field n, component c, subcomponent s of repetition rep (all 1-based except rep). */
  get(field: number, component = 1, subcomponent = 1, rep = 0): Hl7Value {
    if (this.name === 'MSH' && field <= 2) return this.raw(field) || undefined;
    const split = this.splitRepetition(field, rep);
    if (split === undefined) return undefined;
    if (split === HL7_NULL) return null; // the whole field is null, so is every part of it
    const text = split.components[component - 1];
    if (text === undefined) return undefined;
    // Subcomponents only where read: most components have none, and allocating for each cost more than the rest of the parse.
    const subs = (split.subcomponents[component - 1] ??= text.split(this.d.subcomponent));
    return readLeaf(subs[subcomponent - 1], this.d, this.decodeHex);
  }

  /** Like get() but "" and empty both come back as undefined: for keys and routing. */
  text(field: number, component = 1, subcomponent = 1, rep = 0): string | undefined {
    const v = this.get(field, component, subcomponent, rep);
    return v === null || v === undefined ? undefined : v;
  }

  /**
   * Repetition `rep` of field n as one text value, unescaped, its component and subcomponent
   * separators kept as sent: for the text types (TX, FT, ST), which have no components, so a `^`
   * or `&` there is text a sender forgot to escape. `""` and empty come back as undefined.
   */
  wholeText(field: number, rep = 0): string | undefined {
    const text = this.repetitions(field)[rep];
    const value = text === undefined ? undefined : readLeaf(text, this.d, this.decodeHex);
    return typeof value === 'string' ? value : undefined;
  }

  /** True when field n holds exactly the HL7 null. */
  isNull(field: number): boolean {
    return this.raw(field) === HL7_NULL;
  }

  private splitRepetition(field: number, rep: number): SplitRepetition | typeof HL7_NULL | undefined {
    const reps = this.repetitions(field);
    const text = reps[rep];
    if (text === undefined) return undefined;
    if (text === HL7_NULL) return HL7_NULL;
    const byRep = (this.splitCache[field] ??= []);
    return (byRep[rep] ??= { components: text.split(this.d.component), subcomponents: [] });
  }
}

function readLeaf(sub: string | undefined, d: Delimiters, decodeHex?: HexDecoder): Hl7Value {
  if (sub === undefined) return undefined;
  const trimmed = trimTrailingSpaces(sub); // trailing spaces are padding from fixed-width senders
  if (trimmed === '') return undefined;
  if (trimmed === HL7_NULL) return null;
  return unescapeValue(trimmed, d, decodeHex);
}

/** A loop, not / +$/: that regex backtracks over every run of inner spaces (quadratic on hostile input). */
function trimTrailingSpaces(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x20) end--;
  return end === value.length ? value : value.slice(0, end);
}
