import type { Vr } from '../dimse/vr';

/**
 * How one query key matches (PS3.4 C.2.2.2). Values are decoded Unicode strings with DICOM
 * padding removed. Date/time ranges hold normalised, lexicographically comparable bounds:
 * DA `YYYYMMDD`, TM `HHMMSS[.ffffff]`, DT `YYYYMMDDHHMMSS[.ffffff]`; `to` is the ceiling of
 * its precision, so `-1200` includes 12:00:59.
 */
export type Matcher =
  | { readonly kind: 'universal' }
  /** `""`: only items where the attribute is empty or absent (PS3.4 C.2.2.2.x Empty Value Matching). */
  | { readonly kind: 'empty' }
  | { readonly kind: 'single'; readonly value: string }
  /** `*` any run of characters, `?` exactly one character; matched on decoded characters. */
  | { readonly kind: 'wildcard'; readonly pattern: string }
  /** Backslash-separated values, any may match; `wildcard` when a member holds `*` or `?`. */
  | { readonly kind: 'list'; readonly values: readonly string[]; readonly wildcard: boolean }
  | { readonly kind: 'range'; readonly from?: string; readonly to?: string };

export const UNIVERSAL: Matcher = { kind: 'universal' };

/** A query value that cannot mean anything for its VR; becomes 0xA900 with the offending tag. */
export class MalformedValueError extends Error {
  override readonly name = 'MalformedValueError';
}

const LIST_VRS = new Set(['AE', 'CS', 'SH', 'LO', 'PN', 'UI', 'UC']);
/** PS3.4 C.2.2.2.4: wild cards apply to these VRs only. */
const WILDCARD_VRS = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT']);
const TEXT_WITH_LEADING_SPACE = new Set(['LT', 'ST', 'UT']);
const UID = /^[0-9]+(\.[0-9]+)*$/;
const DA = /^\d{8}$/;
const TM = /^(\d{2})(\d{2})?(\d{2})?(\.\d{1,6})?$/;
const DT = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,6})?([+-]\d{4})?$/;

/** Parses one string value of a query key. */
export function parseMatcher(vr: Vr, raw: string): Matcher {
  const value = TEXT_WITH_LEADING_SPACE.has(vr) ? raw.replace(/ +$/, '') : raw.trim();
  if (value === '' || value === '*') return UNIVERSAL;
  if (value === '""') return { kind: 'empty' };
  switch (vr) {
    case 'DA':
      return rangeMatcher(value, normaliseDate, false);
    case 'TM':
      return rangeMatcher(value, normaliseTime, true);
    case 'DT':
      return rangeMatcher(value, normaliseDateTime, true);
    case 'UI':
      return uidMatcher(value);
    case 'PN':
      return personNameMatcher(value);
    default:
      return textMatcher(vr, value);
  }
}

/** Numbers (US, e.g. Pregnancy Status): single value or list. */
export function parseNumberMatcher(values: readonly number[]): Matcher {
  if (values.length === 0) return UNIVERSAL;
  if (values.length === 1) return { kind: 'single', value: String(values[0]) };
  return { kind: 'list', values: values.map(String), wildcard: false };
}

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

function textMatcher(vr: Vr, value: string): Matcher {
  const wild = WILDCARD_VRS.has(vr);
  const parts = LIST_VRS.has(vr) ? value.split('\\').map((v) => v.trim()).filter((v) => v !== '') : [value];
  if (parts.length === 0 || parts.includes('*')) return UNIVERSAL;
  const wildcard = parts.some(hasWildcard);
  if (wildcard && !wild) throw new MalformedValueError(`wild card not allowed for VR ${vr}`);
  if (parts.length > 1) return { kind: 'list', values: parts, wildcard };
  return wildcard ? { kind: 'wildcard', pattern: parts[0] } : { kind: 'single', value: parts[0] };
}

/**
 * PN: trailing empty components and groups are dropped (`DOE^` = `DOE`); a value of only
 * separators is universal (mwl-cfind.md §2).
 */
function personNameMatcher(value: string): Matcher {
  const names = value.split('\\').map(normalisePersonName).filter((n) => n !== '');
  if (names.length === 0 || names.includes('*')) return UNIVERSAL;
  if (names.length > 1) return { kind: 'list', values: names, wildcard: names.some(hasWildcard) };
  return hasWildcard(names[0]) ? { kind: 'wildcard', pattern: names[0] } : { kind: 'single', value: names[0] };
}

export function normalisePersonName(pn: string): string {
  const groups = pn.split('=').map((g) =>
    g
      .split('^')
      .map((c) => c.trim())
      .join('^')
      .replace(/\^+$/, ''),
  );
  while (groups.length > 0 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

function uidMatcher(value: string): Matcher {
  const uids = value.split('\\').map((u) => u.replace(/[\0 ]+$/, '').trim());
  for (const u of uids) {
    if (u.length > 64 || !UID.test(u)) throw new MalformedValueError('not a UID or UID list');
  }
  return uids.length === 1 ? { kind: 'single', value: uids[0] } : { kind: 'list', values: uids, wildcard: false };
}

type Normaliser = (value: string, ceil: boolean) => string;

/**
 * DA, TM and DT: single value or inclusive range `A-B`, `A-`, `-B`. A single TM or DT stands
 * for every instant within its precision, so it becomes a range.
 */
function rangeMatcher(value: string, normalise: Normaliser, singleIsRange: boolean): Matcher {
  if (value.includes('\\') || hasWildcard(value)) throw new MalformedValueError('lists and wild cards are not allowed in dates and times');
  if (!value.includes('-')) {
    const from = normalise(value, false);
    return singleIsRange ? { kind: 'range', from, to: normalise(value, true) } : { kind: 'single', value: from };
  }
  if (value.trim() === '-') return UNIVERSAL;
  // A DT may carry a negative UTC offset, so try each dash as the range separator.
  for (let i = value.indexOf('-'); i >= 0; i = value.indexOf('-', i + 1)) {
    const a = value.slice(0, i).trim();
    const b = value.slice(i + 1).trim();
    try {
      return { kind: 'range', from: a ? normalise(a, false) : undefined, to: b ? normalise(b, true) : undefined };
    } catch {
      // not this dash
    }
  }
  throw new MalformedValueError('not a date/time range');
}

/** `YYYYMMDD`; the ACR-NEMA form `YYYY.MM.DD` is accepted. */
export function normaliseDate(value: string): string {
  const v = value.length === 10 && value[4] === '.' && value[7] === '.' ? value.replace(/\./g, '') : value;
  if (!DA.test(v) || !validDate(v)) throw new MalformedValueError('not a DA value');
  return v;
}

/** `HHMMSS[.ffffff]` floor or ceiling of the given precision; `HH:MM:SS` (ACR-NEMA) is accepted. */
export function normaliseTime(value: string, ceil: boolean): string {
  const v = /^\d{2}:\d{2}(:\d{2})?(\.\d+)?$/.test(value) ? value.replace(/:/g, '') : value;
  const m = TM.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2] ?? 0) > 59 || Number(m[3] ?? 0) > 60) throw new MalformedValueError('not a TM value');
  const fill = ceil ? '59' : '00';
  const base = m[1] + (m[2] ?? fill) + (m[3] ?? fill);
  if (m[4]) return base + m[4].padEnd(7, ceil ? '9' : '0');
  return ceil ? `${base}.999999` : base;
}

/** `YYYYMMDDHHMMSS[.ffffff]`, floor or ceiling; a UTC offset is accepted and ignored (no tz conversion). */
export function normaliseDateTime(value: string, ceil: boolean): string {
  const m = DT.exec(value);
  if (!m) throw new MalformedValueError('not a DT value');
  const [, y, mo, d, h, mi, s, frac] = m;
  const out =
    y + (mo ?? (ceil ? '12' : '01')) + (d ?? (ceil ? '31' : '01')) + (h ?? (ceil ? '23' : '00')) + (mi ?? (ceil ? '59' : '00')) + (s ?? (ceil ? '59' : '00'));
  if (!validDate(out.slice(0, 8), !d && ceil) || Number(out.slice(8, 10)) > 23 || Number(out.slice(10, 12)) > 59) throw new MalformedValueError('not a DT value');
  if (frac) return out + frac.padEnd(7, ceil ? '9' : '0');
  return ceil ? `${out}.999999` : out;
}

function validDate(v: string, loose = false): boolean {
  const month = Number(v.slice(4, 6));
  const day = Number(v.slice(6, 8));
  return month >= 1 && month <= 12 && day >= 1 && (loose || day <= 31);
}
