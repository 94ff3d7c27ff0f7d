import { Tags } from '../dimse/dicom-dictionary';
import { ColumnSpec, JoinedTable, normalisedTime, SPS_COLUMNS, TOP_COLUMNS } from './mwl-columns';
import { hasWildcard, Matcher } from './mwl-matcher';
import type { MwlKey, MwlQuery, StartMatch } from './mwl-query';

export interface MwlSqlOptions {
  /** Step statuses a modality may see (policy; mwl-cfind.md §2 "Status filter"). */
  readonly offeredStatuses: readonly string[];
  /** Person names: group 1 case-insensitive (default) or exact. Groups 2/3 are always exact. */
  readonly nameMatch: 'insensitive' | 'sensitive';
  /** Row limit, normally the answer cap + 1 so that hitting the cap is visible. */
  readonly limit: number;
}

/** What the answer needs selected (from the item mapper's plan). */
export interface MwlProjection {
  readonly columns: readonly string[];
  readonly tables: ReadonlySet<JoinedTable>;
}

export interface MwlSql {
  readonly text: string;
  readonly values: unknown[];
  /** Keys that carried a value we cannot match on: treated as universal, answered with 0xFF01. */
  readonly unsupported: readonly number[];
}

const START_KEYS = new Set([Tags.ScheduledProcedureStepStartDate, Tags.ScheduledProcedureStepStartTime]);
const ORDER = 's.start_date, s.start_time, s.id';

/** Step statuses after which a step is history: the MWL step indexes leave them out. */
export const FINISHED_STEP_STATUSES: readonly string[] = ['COMPLETED', 'CANCELED', 'DISCONTINUED', 'DEPARTED'];
/**
 * The predicate of the partial MWL step indexes (migration 1763900000010), word for word: the
 * planner uses a partial index only when it can prove its predicate from the query's own text,
 * and `status = ANY($1)` proves nothing about a parameter.
 */
export const UNFINISHED_STEP = `s.status NOT IN (${FINISHED_STEP_STATUSES.map((st) => `'${st}'`).join(', ')})`;

/** True when no offered status is a finished one, so the partial indexes can serve the query. */
export function offersOnlyUnfinished(offeredStatuses: readonly string[]): boolean {
  return offeredStatuses.every((st) => !FINISHED_STEP_STATUSES.includes(st));
}

/**
 * One parameterised statement for a worklist query: every query value is a bind parameter,
 * the SQL text only ever contains our own column names and operators. Ordered by the DICOM
 * start date/time strings the modality matched on, so the indexes that serve the range also
 * serve the order and a capped query stops after `limit` rows instead of sorting them all.
 */
export function buildMwlSql(query: MwlQuery, projection: MwlProjection, options: MwlSqlOptions): MwlSql {
  const b = new SqlBuilder(options.nameMatch === 'insensitive');
  // A site that offers a finished status is answered without the partial indexes: correct, slower.
  const unfinished = offersOnlyUnfinished(options.offeredStatuses) ? ` AND ${UNFINISHED_STEP}` : '';
  b.where.push(`s.status = ANY(${b.param([...options.offeredStatuses])}::text[])`, `NOT s.held${unfinished}`);
  for (const key of query.keys) {
    if (key !== query.sps) b.key(key, TOP_COLUMNS);
    else if (key.items !== 'all') for (const item of key.items ?? []) if (!START_KEYS.has(item.def.tag)) b.key(item, SPS_COLUMNS);
  }
  if (query.start) b.start(query.start);

  const tables = new Set<JoinedTable>([...projection.tables, ...b.tables]);
  const limit = b.param(options.limit);
  const where = b.where.join('\n   AND ');
  // Filters on the step alone: sort and cut the steps first, then join only the rows we send.
  const source =
    b.tables.size === 0
      ? `(SELECT s.* FROM scheduled_procedure_steps s\n WHERE ${where}\n ORDER BY ${ORDER} LIMIT ${limit}) s`
      : 'scheduled_procedure_steps s';
  const joins: string[] = [];
  if (tables.has('r') || tables.has('o')) joins.push('JOIN requested_procedures r ON r.id = s.procedure_ref');
  if (tables.has('o')) joins.push('JOIN imaging_orders o ON o.id = r.order_ref');
  if (tables.has('p')) joins.push('JOIN patients p ON p.id = s.patient_ref');
  const text = [
    `SELECT ${projection.columns.join(', ')}`,
    `FROM ${source}`,
    ...joins,
    ...(b.tables.size === 0 ? [`ORDER BY ${ORDER}`] : [`WHERE ${where}`, `ORDER BY ${ORDER}`, `LIMIT ${limit}`]),
  ].join('\n');
  return { text, values: b.values, unsupported: b.unsupported };
}

/** A DICOM pattern as a LIKE pattern: `*` → `%`, `?` → `_`, LIKE's own metacharacters escaped. */
export function likePattern(dicom: string): string {
  let out = '';
  for (const ch of dicom) {
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else out += escapeLike(ch);
  }
  return out;
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

class SqlBuilder {
  readonly values: unknown[] = [];
  readonly where: string[] = [];
  readonly tables = new Set<JoinedTable>();
  readonly unsupported: number[] = [];

  constructor(private readonly foldNames: boolean) {}

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  key(key: MwlKey, columns: ReadonlyMap<number, ColumnSpec>): void {
    if (key.def.vr === 'SQ') {
      // Only the SPS item is matched; other sequence keys are return keys (PS3.4 K.2.2.1.3).
      if (key.items !== 'all' && hasValue(key.items ?? [])) this.unsupported.push(key.def.tag);
      return;
    }
    if (key.matcher.kind === 'universal') return;
    const spec = columns.get(key.def.tag);
    if (!spec?.match) {
      this.unsupported.push(key.def.tag);
      return;
    }
    spec.tables.forEach((t) => this.tables.add(t));
    const predicate = this.predicate(spec, key.matcher);
    if (predicate) this.where.push(predicate);
  }

  start(m: StartMatch): void {
    const date = 's.start_date';
    const time = normalisedTime('s.start_time');
    if (m.dateEmpty) this.where.push(empty(date));
    if (m.timeEmpty) this.where.push(empty('s.start_time'));
    const sameDay = m.dateFrom !== undefined && m.dateFrom === m.dateTo;
    if (sameDay) this.where.push(`${date} = ${this.param(m.dateFrom)}`);
    else {
      if (m.dateFrom !== undefined) this.where.push(`${date} >= ${this.param(m.dateFrom)}`);
      if (m.dateTo !== undefined) this.where.push(`${date} <= ${this.param(m.dateTo)}`);
    }
    // Combined date-time range (PS3.4 C.2.2.2.5.2; only when negotiated, see StartMatch): the lower
    // time binds on the first day only, the upper time on the last day only; with an open date end
    // it binds nowhere.
    if (m.timeFrom !== undefined) {
      if (!m.combined || sameDay) this.where.push(`${time} >= ${this.param(m.timeFrom)}`);
      else if (m.dateFrom !== undefined) this.where.push(`(${date} > ${this.param(m.dateFrom)} OR ${time} >= ${this.param(m.timeFrom)})`);
    }
    if (m.timeTo !== undefined) {
      if (!m.combined || sameDay) this.where.push(`${time} <= ${this.param(m.timeTo)}`);
      else if (m.dateTo !== undefined) this.where.push(`(${date} < ${this.param(m.dateTo)} OR ${time} <= ${this.param(m.timeTo)})`);
    }
  }

  private predicate(spec: ColumnSpec, m: Matcher): string | undefined {
    const x = spec.select[0];
    switch (spec.match) {
      case 'station-ae':
        return this.stationAe(m);
      case 'patient-name':
        return m.kind === 'empty'
          ? `(COALESCE(p.name, '') = '' AND COALESCE(p.name_ideographic, '') = '' AND COALESCE(p.name_phonetic, '') = '')`
          : this.personName(m, ['p.name', 'p.name_ideographic', 'p.name_phonetic']);
      case 'person-name':
        return m.kind === 'empty' ? empty(x) : this.personName(m, [1, 2, 3].map((g) => `split_part(${x}, '=', ${g})`));
      case 'time':
        return this.plain(normalisedTime(x), m, 'text');
      case 'number':
        return this.plain(x, m, 'int');
      default:
        return this.plain(x, m, 'text');
    }
  }

  private plain(x: string, m: Matcher, type: 'text' | 'int'): string | undefined {
    switch (m.kind) {
      case 'empty':
        return type === 'int' ? `${x} IS NULL` : empty(x);
      case 'single':
        return `${x} = ${this.param(type === 'int' ? Number(m.value) : m.value)}${type === 'int' ? '::int' : ''}`;
      case 'wildcard':
        return `${x} LIKE ${this.param(likePattern(m.pattern))}`;
      case 'list':
        return m.wildcard
          ? `${x} LIKE ANY(${this.param(m.values.map(likePattern))}::text[])`
          : `${x} = ANY(${this.param(type === 'int' ? m.values.map(Number) : [...m.values])}::${type}[])`;
      case 'range': {
        const parts: string[] = [];
        if (m.from !== undefined) parts.push(`${x} >= ${this.param(m.from)}`);
        if (m.to !== undefined) parts.push(`${x} <= ${this.param(m.to)}`);
        return parts.length ? parts.join(' AND ') : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * Most steps have one station: `station_ae_titles = ARRAY[ae]` uses the btree (AE, start) and
   * only multi-station steps go through the partial GIN index (1763900000001, partial over
   * unfinished steps since 1763900000010).
   */
  private stationAe(m: Matcher): string | undefined {
    const s = 's.station_ae_titles';
    if (m.kind === 'empty') return `cardinality(${s}) = 0`;
    if (m.kind === 'wildcard' || (m.kind === 'list' && m.wildcard)) {
      const patterns = m.kind === 'wildcard' ? [likePattern(m.pattern)] : m.values.map(likePattern);
      return `EXISTS (SELECT 1 FROM unnest(${s}) AS ae(v) WHERE ae.v LIKE ANY(${this.param(patterns)}::text[]))`;
    }
    const values = m.kind === 'single' ? [m.value] : m.kind === 'list' ? m.values : [];
    if (values.length === 0) return undefined;
    const arms = values.map((v) => `${s} = ARRAY[${this.param(v)}::text]`);
    arms.push(`(cardinality(${s}) > 1 AND ${s} && ${this.param([...values])}::text[])`);
    return `(${arms.join(' OR ')})`;
  }

  /** PN: each group the query gives is matched against the same group of the stored name. */
  private personName(m: Matcher, groups: readonly string[]): string | undefined {
    const values = m.kind === 'single' ? [m.value] : m.kind === 'wildcard' ? [m.pattern] : m.kind === 'list' ? m.values : [];
    const alternatives = values.map((v) => {
      const parts = v
        .split('=')
        .slice(0, 3)
        .map((g, i) => (g === '' || g === '*' ? undefined : this.personNameGroup(groups[i], g, i === 0 && this.foldNames)))
        .filter((p): p is string => p !== undefined);
      return parts.length ? parts.join(' AND ') : 'TRUE';
    });
    if (alternatives.length === 0 || alternatives.includes('TRUE')) return undefined;
    return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' OR ')})`;
  }

  /**
   * Whole-string glob, so `SMI*` matches `SMITH^JOHN`. Components the query leaves out match
   * anything (component-wise matching, mwl-cfind.md §2): `SMITH` also finds `SMITH^JOHN`.
   * Case folding is mwl_fold() (migration 1763900000001) on both sides, so `Müller*` finds
   * `MÜLLER^HANS` whatever the database locale.
   */
  private personNameGroup(x: string, group: string, fold: boolean): string {
    const f = (e: string): string => (fold ? `mwl_fold(${e})` : e);
    const open = group.split('^').length < 5 && !group.endsWith('*');
    const pattern = hasWildcard(group) ? likePattern(group) : undefined;
    const first = pattern === undefined ? `${f(x)} = ${f(this.param(group))}` : `${f(x)} LIKE ${f(this.param(pattern))}`;
    if (!open) return first;
    const rest = `${f(x)} LIKE ${f(this.param(`${pattern ?? escapeLike(group)}^%`))}`;
    return `(${first} OR ${rest})`;
  }
}

function empty(x: string): string {
  return `(${x} IS NULL OR ${x} = '')`;
}

function hasValue(keys: readonly MwlKey[]): boolean {
  return keys.some((k) => k.matcher.kind !== 'universal' || (Array.isArray(k.items) && hasValue(k.items)));
}
