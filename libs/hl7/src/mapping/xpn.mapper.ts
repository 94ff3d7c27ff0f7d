import { FieldUpdate } from '@radflow/domain';
import { Hl7Segment, Hl7Value } from '../parser/hl7-segment';

/** Name parts in HL7 order (XPN.1..6): family ^ given ^ middle ^ suffix ^ prefix ^ degree. */
export interface Hl7NameParts {
  family: Hl7Value;
  given: Hl7Value;
  middle: Hl7Value;
  suffix: Hl7Value;
  prefix: Hl7Value;
  degree: Hl7Value;
}

/** The three PN component groups (charsets.md §2), each with FieldUpdate semantics. */
export interface PersonNameGroups {
  alphabetic: FieldUpdate<string>;
  ideographic: FieldUpdate<string>;
  phonetic: FieldUpdate<string>;
}

/**
 * One DICOM PN group: family^given^middle^prefix^suffix. HL7 has suffix before prefix, so the two
 * swap; the degree (MD, PhD) has no PN component and is appended to the suffix after a space.
 * Trailing empty components are dropped (`DOE^JOHN`, not `DOE^JOHN^^^`).
 * A name made only of HL7 nulls clears the stored name; one made of nothing keeps it.
 */
export function toPersonName(parts: Hl7NameParts): FieldUpdate<string> {
  const values = Object.values(parts) as Hl7Value[];
  if (values.every((v) => v === undefined)) return undefined;
  if (values.every((v) => v === null || v === undefined)) return null;
  const suffix = [clean(parts.suffix), clean(parts.degree)].filter((s) => s !== '').join(' ');
  const comps = [clean(parts.family), clean(parts.given), clean(parts.middle), clean(parts.prefix), suffix];
  while (comps.length > 0 && comps[comps.length - 1] === '') comps.pop();
  return comps.length > 0 ? comps.join('^') : null;
}

/** One XPN repetition → PN (XPN.1.1 is the surname; the v2.4 FN subcomponents after it are parts of it). */
export function xpnToPersonName(seg: Hl7Segment, field: number, rep = 0): FieldUpdate<string> {
  return toPersonName({
    family: seg.get(field, 1, 1, rep),
    given: seg.get(field, 2, 1, rep),
    middle: seg.get(field, 3, 1, rep),
    suffix: seg.get(field, 4, 1, rep),
    prefix: seg.get(field, 5, 1, rep),
    degree: seg.get(field, 6, 1, rep),
  });
}

/**
 * A repeating XPN field (PID-5) → the three PN groups. XPN.8 (table 4000) says which group a
 * repetition is: A or empty → alphabetic, I → ideographic, P → phonetic. Within a group the legal
 * name (XPN.7 = L) wins, else the first repetition. When the field is sent, a group it does not
 * carry is cleared: the sender stated the whole name.
 */
export function xpnToPersonNameGroups(seg: Hl7Segment, field: number): PersonNameGroups {
  if (seg.isNull(field)) return { alphabetic: null, ideographic: null, phonetic: null };
  const reps = seg.repetitions(field);
  if (reps.length === 0) return { alphabetic: undefined, ideographic: undefined, phonetic: undefined };
  const pick = (kind: 'A' | 'I' | 'P'): FieldUpdate<string> => {
    const named = reps
      .map((_, rep) => ({ rep, kind: representation(seg.text(field, 8, 1, rep)), type: seg.text(field, 7, 1, rep) }))
      .filter((r) => r.kind === kind)
      .map((r) => ({ ...r, name: xpnToPersonName(seg, field, r.rep) }))
      .filter((r) => r.name !== undefined);
    const chosen = named.find((r) => r.type?.toUpperCase() === 'L') ?? named[0];
    return chosen ? chosen.name : null;
  };
  return { alphabetic: pick('A'), ideographic: pick('I'), phonetic: pick('P') };
}

/**
 * XCN (PV1-8, OBR-16, ORC-10/12) → PN. XCN.1 is the person's ID, which PN cannot carry, so it is
 * dropped; the name is XCN.2 family, .3 given, .4 middle, .5 suffix, .6 prefix, .7 degree.
 */
export function xcnToPersonName(seg: Hl7Segment, field: number, rep = 0): FieldUpdate<string> {
  return toPersonName({
    family: seg.get(field, 2, 1, rep),
    given: seg.get(field, 3, 1, rep),
    middle: seg.get(field, 4, 1, rep),
    suffix: seg.get(field, 5, 1, rep),
    prefix: seg.get(field, 6, 1, rep),
    degree: seg.get(field, 7, 1, rep),
  });
}

/**
 * CNN inside component 1 of an NDL (OBR-34 technician; CM in v2.3.1): the XCN layout one level
 * down, as subcomponents ID & family & given & middle & suffix & prefix & degree.
 */
export function cnnToPersonName(seg: Hl7Segment, field: number, rep = 0): FieldUpdate<string> {
  return toPersonName({
    family: seg.get(field, 1, 2, rep),
    given: seg.get(field, 1, 3, rep),
    middle: seg.get(field, 1, 4, rep),
    suffix: seg.get(field, 1, 5, rep),
    prefix: seg.get(field, 1, 6, rep),
    degree: seg.get(field, 1, 7, rep),
  });
}

function representation(code: string | undefined): 'A' | 'I' | 'P' | undefined {
  const c = (code ?? 'A').toUpperCase();
  return c === 'A' || c === 'I' || c === 'P' ? c : undefined;
}

/**
 * PN structure characters must not leak from unescaped HL7 text (`O\S\BRIEN` is `O^BRIEN`):
 * ^ = and \ would split components, groups and values, so they become spaces, as do line breaks.
 */
function clean(v: Hl7Value): string {
  if (typeof v !== 'string') return '';
  return v.replace(/[\^=\\\u0000-\u001f]/g, ' ').trim();
}
