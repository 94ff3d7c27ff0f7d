import { getTextCodec, parseSpecificCharacterSet, TextCodec } from '../charset';
import { DicomDataset, DicomElement, formatTag } from '../dimse/dicom-dataset';
import { keywordOf, Tags } from '../dimse/dicom-dictionary';
import { isNumberVr, TEXT_VRS } from '../dimse/vr';
import { MalformedValueError, Matcher, parseMatcher, parseNumberMatcher, UNIVERSAL } from './mwl-matcher';
import { MwlKeyDef, SPS_SEQUENCE, TOP_KEY_BY_TAG } from './mwl-keys';

/** One key of the query: how it matches, and for a sequence which item attributes to return. */
export interface MwlKey {
  readonly def: MwlKeyDef;
  readonly matcher: Matcher;
  /** Sequence keys: the requested item keys, or 'all' for a zero-length SQ / an empty item. */
  readonly items?: readonly MwlKey[] | 'all';
}

/**
 * Scheduled Procedure Step start. The date and the time match each on its own (08:00-12:00 on
 * each day of the date range), as DCMTK wlmscpfs and Orthanc do, unless `combined`: then, only
 * when the SCU negotiated combined date-time matching (PS3.4 C.2.2.2.5), they form one date-time
 * range: `20261120-20261123` + `0800-1200` is 20th 08:00 to 23rd 12:00. Bounds as in `Matcher` ranges.
 */
export interface StartMatch {
  readonly dateFrom?: string;
  readonly dateTo?: string;
  readonly timeFrom?: string;
  readonly timeTo?: string;
  readonly dateEmpty?: boolean;
  readonly timeEmpty?: boolean;
  readonly combined: boolean;
}

/** The C-FIND identifier as Radflow understands it, independent of SQL and of the wire. */
export interface MwlQuery {
  /** Top-level keys in tag order, the SPS sequence included; (0008,0005) excluded. */
  readonly keys: readonly MwlKey[];
  /** The Scheduled Procedure Step Sequence key, when the SCU sent one. */
  readonly sps?: MwlKey;
  readonly start?: StartMatch;
  /** Attributes left out of matching and answers: private tags and group lengths. */
  readonly ignored: readonly number[];
  /**
   * Public attributes outside the MWL model (Study Description, Other Patient IDs …), at any level:
   * not matched, answered zero-length (as dcm4che does), and the reason for Pending 0xFF01.
   */
  readonly unknown: readonly number[];
  /** The query's (0008,0005), already applied when its values were decoded. */
  readonly characterSet: readonly string[];
}

export interface MwlParseOptions {
  /**
   * An attribute that is not part of the MWL information model (a Study Root key, (0008,0052)):
   * 'reject' fails the query with 0xA900 naming it; 'ignore' (the default, mwl-cfind.md calls lenient
   * the safer choice) keeps it as a zero-length return key that never narrows the match. Private
   * attributes and group lengths are always left out.
   */
  readonly unknownKeys?: 'reject' | 'ignore';
  /** Combined date-time matching was negotiated on the association (default: not). */
  readonly combinedDateTime?: boolean;
}

/** The identifier cannot be a Modality Worklist query; the handler answers 0xA900 with these tags. */
export class MwlQueryError extends Error {
  override readonly name = 'MwlQueryError';
  constructor(
    message: string,
    readonly offendingElements: readonly number[],
  ) {
    super(message);
  }
}

interface Context {
  readonly reject: boolean;
  readonly codec: TextCodec;
  readonly ignored: number[];
  readonly unknown: number[];
  readonly offending: number[];
  readonly problems: string[];
}

export function parseMwlQuery(identifier: DicomDataset, options: MwlParseOptions = {}): MwlQuery {
  const charsetEl = identifier.get(Tags.SpecificCharacterSet);
  const characterSet = parseSpecificCharacterSet(typeof charsetEl?.value === 'string' ? charsetEl.value : undefined);
  const ctx: Context = { reject: options.unknownKeys === 'reject', codec: getTextCodec(characterSet), ignored: [], unknown: [], offending: [], problems: [] };
  const keys = parseItem(identifier, TOP_KEY_BY_TAG, ctx, true);
  if (ctx.offending.length > 0) throw new MwlQueryError(ctx.problems.join('; '), ctx.offending);
  const sps = keys.find((k) => k.def.tag === SPS_SEQUENCE.tag);
  return { keys, sps, start: sps ? startMatch(sps, options.combinedDateTime ?? false) : undefined, ignored: ctx.ignored, unknown: ctx.unknown, characterSet };
}

function parseItem(ds: DicomDataset, model: ReadonlyMap<number, MwlKeyDef>, ctx: Context, top: boolean): MwlKey[] {
  const keys: MwlKey[] = [];
  const tags = Array.from(ds.keys()).sort((a, b) => a - b);
  for (const t of tags) {
    if ((t & 0xffff) === 0 || (top && t === Tags.SpecificCharacterSet)) continue;
    const def = model.get(t);
    if (!def) {
      const el = ds.get(t) as DicomElement;
      if ((t >>> 16) & 1 || t >>> 16 < 0x0008) ctx.ignored.push(t);
      else if (ctx.reject) fail(ctx, t, `${formatTag(t)} is not in the Modality Worklist information model`);
      else {
        ctx.unknown.push(t);
        keys.push(unknownKey(t, el));
      }
      continue;
    }
    try {
      keys.push(parseKey(def, ds.get(t) as DicomElement, ctx));
    } catch (err) {
      if (!(err instanceof MalformedValueError)) throw err;
      fail(ctx, t, `${formatTag(t)} ${def.keyword}: ${err.message}`);
    }
  }
  return keys;
}

function parseKey(def: MwlKeyDef, el: DicomElement, ctx: Context): MwlKey {
  if (def.vr === 'SQ') return parseSequence(def, el, ctx);
  if (el.vr === 'SQ') throw new MalformedValueError('a sequence where a value was expected');
  if (isNumberVr(def.vr)) {
    if (Array.isArray(el.value)) return { def, matcher: parseNumberMatcher(el.value as number[]) };
    const text = textOf(def, el, ctx).trim();
    const numbers = text === '' ? [] : text.split('\\').map((v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : NaN));
    if (numbers.some(Number.isNaN)) throw new MalformedValueError('not a number');
    return { def, matcher: parseNumberMatcher(numbers) };
  }
  return { def, matcher: parseMatcher(def.vr, textOf(def, el, ctx)) };
}

/** A string value; an element that arrived as UN (unknown to the sender's dictionary) is decoded here. */
function textOf(def: MwlKeyDef, el: DicomElement, ctx: Context): string {
  if (typeof el.value === 'string') return el.value;
  if (el.value instanceof Uint8Array) {
    const text = TEXT_VRS.has(def.vr) ? ctx.codec.decode(el.value, def.vr === 'PN') : Buffer.from(el.value).toString('latin1');
    return text.replace(/[\0 ]+$/, '');
  }
  throw new MalformedValueError(`numbers where VR ${def.vr} was expected`);
}

function parseSequence(def: MwlKeyDef, el: DicomElement, ctx: Context): MwlKey {
  if (el.vr !== 'SQ') {
    if (el.value instanceof Uint8Array && el.value.length === 0) return { def, matcher: UNIVERSAL, items: 'all' };
    throw new MalformedValueError('a value where a sequence was expected');
  }
  if (el.value.length > 1) throw new MalformedValueError('a sequence key may hold one item only');
  const item = el.value[0];
  if (!item || item.size === 0) return { def, matcher: UNIVERSAL, items: 'all' };
  const items = parseItem(item, def.items as ReadonlyMap<number, MwlKeyDef>, ctx, false);
  return { def, matcher: UNIVERSAL, items: items.length > 0 ? items : 'all' };
}

/** A return-only key for an attribute outside the model; its value, whatever it is, is not read. */
function unknownKey(tag: number, el: DicomElement): MwlKey {
  const def: MwlKeyDef = { tag, keyword: keywordOf(tag) ?? formatTag(tag), vr: el.vr, matching: 'O', returnType: '3', items: el.vr === 'SQ' ? new Map() : undefined };
  return { def, matcher: UNIVERSAL, items: el.vr === 'SQ' ? [] : undefined };
}

function fail(ctx: Context, t: number, problem: string): void {
  ctx.offending.push(t);
  ctx.problems.push(problem);
}

function startMatch(sps: MwlKey, negotiated: boolean): StartMatch | undefined {
  if (sps.items === 'all' || !sps.items) return undefined;
  const find = (t: number): Matcher => (sps.items as MwlKey[]).find((k) => k.def.tag === t)?.matcher ?? UNIVERSAL;
  const date = find(Tags.ScheduledProcedureStepStartDate);
  const time = find(Tags.ScheduledProcedureStepStartTime);
  if (date.kind === 'universal' && time.kind === 'universal') return undefined;
  const d = bounds(date);
  const t = bounds(time);
  const combined = negotiated && d !== undefined && t !== undefined && date.kind !== 'empty' && time.kind !== 'empty';
  return {
    dateFrom: d?.from,
    dateTo: d?.to,
    timeFrom: t?.from,
    timeTo: t?.to,
    dateEmpty: date.kind === 'empty' || undefined,
    timeEmpty: time.kind === 'empty' || undefined,
    combined,
  };
}

function bounds(m: Matcher): { from?: string; to?: string } | undefined {
  if (m.kind === 'single') return { from: m.value, to: m.value };
  if (m.kind === 'range') return { from: m.from, to: m.to };
  return m.kind === 'empty' ? {} : undefined;
}
