import { CharsetError, fitToCharset, getTextCodec, parseSpecificCharacterSet, TextCodec, UnrepresentablePolicy } from '../charset';
import { DicomDataset, DicomElement, formatTag } from '../dimse/dicom-dataset';
import { keywordOf, Tags } from '../dimse/dicom-dictionary';
import { BINARY_VRS, isNumberVr, TEXT_VRS } from '../dimse/vr';
import { buildSequenceItems } from './mwl-sequence-items';
import { ColumnSpec, JoinedTable, SPS_COLUMNS, TOP_COLUMNS } from './mwl-columns';
import { MwlKeyDef, SPS_KEYS, SPS_SEQUENCE } from './mwl-keys';
import type { MwlKey, MwlQuery } from './mwl-query';
import type { MwlProjection } from './mwl-sql';

/** Answers are built in this set when the configured one cannot hold a value and the policy is `utf8`. */
export const FALLBACK_CHARSET = 'ISO_IR 192';

export interface MwlAnswer {
  readonly identifier: DicomDataset;
  /** The (0008,0005) the answer declares ('' = default repertoire). */
  readonly charset: string;
  /** True when `charset` is the UTF-8 fallback instead of the requested set. */
  readonly fellBack: boolean;
  /**
   * Keywords of the attributes whose values were transliterated or got `?` to fit the requested
   * set (empty when none). The stored item keeps the original values.
   */
  readonly adjusted: readonly string[];
}

/** Built once per query: which columns to select and how each row becomes an answer. */
export interface MwlAnswerPlan extends MwlProjection {
  /**
   * `row` holds the values of `columns`, in order; `charset` is the (0008,0005) wanted; `policy`
   * says what to do with a value that set cannot hold (default `utf8`: answer in ISO_IR 192).
   */
  map(row: readonly unknown[], charset: string, policy?: UnrepresentablePolicy): MwlAnswer;
  /** The step's row id (uuid): what logs may name instead of patient data. */
  stepId(row: readonly unknown[]): string;
}

/** Text values seen while building one answer that are not plain ASCII. */
interface Acc {
  nonAscii: Array<[string, boolean]>;
}

/** `undefined`: the attribute is left out of the answer (a type 1C sequence we hold no item for). */
type Emitter = (row: readonly unknown[], acc: Acc) => DicomElement | undefined;

const NON_ASCII = /[^\x00-\x7f]/;
const NON_LATIN1 = /[^\x00-\xff]/;

/**
 * Returns exactly the attributes the query asked for (mwl-cfind.md §1): each at its VR, zero-length
 * when we hold no value (so type 1/2 keys are always present), one SPS item, sequences with the
 * requested item attributes (all of them for a zero-length sequence key). A type 1C sequence
 * (Requested Procedure Code, Scheduled Protocol Code) with no item is left out: it is required only
 * when there is a code to send, and an empty one reads as "a code, unknown" to some modalities.
 */
export function planMwlAnswer(query: MwlQuery): MwlAnswerPlan {
  const columns: string[] = ['s.id'];
  const tables = new Set<JoinedTable>();
  const indexOf = (spec: ColumnSpec): number[] => {
    spec.tables.forEach((t) => tables.add(t));
    return spec.select.map((sql) => {
      const i = columns.indexOf(sql);
      return i >= 0 ? i : columns.push(sql) - 1;
    });
  };
  const emitterFor = (key: MwlKey | MwlKeyDef, specs: ReadonlyMap<number, ColumnSpec>): Emitter => {
    const def = 'def' in key ? key.def : key;
    const requested = 'def' in key ? key.items : 'all';
    if (def.tag === SPS_SEQUENCE.tag) {
      const itemKeys: ReadonlyArray<MwlKey | MwlKeyDef> = requested === 'all' || !requested ? SPS_KEYS : requested;
      const emitters = itemKeys.map((k): [number, Emitter] => [('def' in k ? k.def : k).tag, emitterFor(k, SPS_COLUMNS)]);
      return (row, acc) => ({ vr: 'SQ', value: [buildDataset(emitters, row, acc)] });
    }
    const spec = specs.get(def.tag);
    const omitWhenEmpty = def.vr === 'SQ' && def.returnType === '1C';
    if (!spec) return omitWhenEmpty ? () => undefined : zeroLength(def);
    const at = indexOf(spec);
    if (def.vr === 'SQ') {
      const subset = requested === 'all' || !requested ? undefined : requested.map((k) => k.def);
      return (row, acc) => {
        const items = buildSequenceItems(spec.value, at.map((i) => row[i]), subset, (v, pn) => track(acc, v, pn));
        return items.length === 0 && omitWhenEmpty ? undefined : { vr: 'SQ', value: items };
      };
    }
    if (spec.value === 'patient-name') {
      const [a, b, c] = at;
      return (row, acc) => text(def, joinGroups(row[a], row[b], row[c]), acc);
    }
    const i = at[0];
    if (isNumberVr(def.vr)) return (row) => ({ vr: def.vr, value: row[i] == null ? [] : [Number(row[i])] }) as DicomElement;
    return (row, acc) => text(def, row[i] == null ? '' : String(row[i]), acc);
  };

  const top = query.keys.map((k): [number, Emitter] => [k.def.tag, emitterFor(k, TOP_COLUMNS)]);
  const checks = new Map<string, (values: Array<[string, boolean]>) => boolean>();
  return {
    columns,
    tables,
    stepId: (row) => String(row[0]),
    map(row, charset, policy = 'utf8') {
      const acc: Acc = { nonAscii: [] };
      const identifier = buildDataset(top, row, acc);
      let check = checks.get(charset);
      if (!check) checks.set(charset, (check = representable(charset)));
      const fits = acc.nonAscii.length === 0 || check(acc.nonAscii);
      const fellBack = !fits && policy === 'utf8';
      const adjusted: string[] = [];
      if (!fits && policy !== 'utf8') fitDataset(identifier, getTextCodec(parseSpecificCharacterSet(charset)), policy, adjusted);
      // The default repertoire is written as no (0008,0005) at all; ISO_IR 6 is not a defined term.
      const declared = fellBack ? FALLBACK_CHARSET : charset === 'ISO_IR 6' ? '' : charset;
      if (declared) identifier.set(Tags.SpecificCharacterSet, { vr: 'CS', value: declared });
      return { identifier, charset: declared, fellBack, adjusted: [...new Set(adjusted)] };
    },
  };
}

function buildDataset(emitters: ReadonlyArray<[number, Emitter]>, row: readonly unknown[], acc: Acc): DicomDataset {
  const ds: DicomDataset = new Map();
  for (const [t, emit] of emitters) {
    const el = emit(row, acc);
    if (el) ds.set(t, el);
  }
  return ds;
}

/** Rewrites, in place, each text value `codec` cannot hold; records the attributes it touched. */
function fitDataset(ds: DicomDataset, codec: TextCodec, policy: 'transliterate' | 'replace', adjusted: string[]): void {
  for (const [t, el] of ds) {
    if (el.vr === 'SQ') el.value.forEach((item) => fitDataset(item, codec, policy, adjusted));
    else if (TEXT_VRS.has(el.vr) && typeof el.value === 'string' && NON_ASCII.test(el.value)) {
      const value = fitToCharset(el.value, codec, policy, el.vr === 'PN');
      if (value === el.value) continue;
      ds.set(t, { vr: el.vr, value } as DicomElement);
      adjusted.push(keywordOf(t) ?? formatTag(t));
    }
  }
}

function zeroLength(def: MwlKeyDef): Emitter {
  const el = (
    def.vr === 'SQ' ? { vr: 'SQ', value: [] } : isNumberVr(def.vr) ? { vr: def.vr, value: [] } : BINARY_VRS.has(def.vr) ? { vr: def.vr, value: new Uint8Array(0) } : { vr: def.vr, value: '' }
  ) as DicomElement;
  // Sequence values are arrays the encoder only reads, so one shared element per key is safe.
  return () => el;
}

function text(def: MwlKeyDef, value: string, acc: Acc): DicomElement {
  if (value && NON_ASCII.test(value)) {
    // AE, CS, DA, UI ... are ASCII by definition (PS3.5 6.1.2.3); a stored value that is not
    // would fail the whole C-FIND when encoded, so it is sent empty instead.
    if (!TEXT_VRS.has(def.vr)) return { vr: def.vr, value: '' } as DicomElement;
    acc.nonAscii.push([value, def.vr === 'PN']);
  }
  return { vr: def.vr, value } as DicomElement;
}

function track(acc: Acc, value: string, personName: boolean): void {
  if (NON_ASCII.test(value)) acc.nonAscii.push([value, personName]);
}

/** PN component groups from the three patient name columns, trailing empty groups dropped. */
export function joinGroups(alphabetic: unknown, ideographic: unknown, phonetic: unknown): string {
  const a = (alphabetic as string | null) ?? '';
  if (phonetic) return `${a}=${(ideographic as string | null) ?? ''}=${phonetic as string}`;
  return ideographic ? `${a}=${ideographic as string}` : a;
}

/** Whether every collected value can be written in `charset` without substitution. */
function representable(charset: string): (values: Array<[string, boolean]>) => boolean {
  const codec = getTextCodec(parseSpecificCharacterSet(charset));
  if (codec.simple === 'utf8') return () => true;
  if (codec.simple === 'latin1') return (values) => values.every(([v]) => !NON_LATIN1.test(v));
  if (codec.simple === 'ascii') return () => false;
  return (values) =>
    values.every(([v, pn]) => {
      try {
        codec.encode(v, pn);
        return true;
      } catch (err) {
        if (err instanceof CharsetError) return false;
        throw err;
      }
    });
}
