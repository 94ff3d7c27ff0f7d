import type { Pool } from 'pg';
import type { UnrepresentablePolicy } from '../charset';
import type { DimseLogger, FindHandler, FindMatch, FindOutcome, FindRequest } from '../dimse/dimse-handler';
import { streamRows, WorklistDatabaseError } from './mwl-cursor';
import { FALLBACK_CHARSET, planMwlAnswer } from './mwl-item.mapper';
import { MwlQuery, MwlQueryError, parseMwlQuery } from './mwl-query';
import { buildMwlSql } from './mwl-sql';

export interface MwlFindConfig {
  /** Step statuses offered to modalities; others (STARTED, COMPLETED, CANCELED …) stay hidden. */
  readonly offeredStatuses: readonly string[];
  /** Person-name matching on the alphabetic group. */
  readonly nameMatch: 'insensitive' | 'sensitive';
  /** Answers per C-FIND; one more match ends the C-FIND with 0xA700 (see MwlStatus). */
  readonly maxAnswers: number;
  /** (0008,0005) of answers; '' = default repertoire. Config MWL_DEFAULT_CHARSET. */
  readonly defaultCharset: string;
  /** Per calling AE title, e.g. { CT_LEGACY: 'ISO_IR 100' }. Config MWL_CHARSET_BY_AE. */
  readonly charsetByAe: Readonly<Record<string, string>>;
  /**
   * Non-MWL attributes in the identifier: 'ignore' answers them zero-length with Pending 0xFF01;
   * 'reject' fails the query with 0xA900. `rejectUnknownKeysFrom` names the calling AEs that get
   * 'reject' whatever this says. Config MWL_REJECT_UNKNOWN_KEYS_AE.
   */
  readonly unknownKeys: 'reject' | 'ignore';
  readonly rejectUnknownKeysFrom: readonly string[];
  /** A value the answer's set cannot hold. Config MWL_UNREPRESENTABLE. */
  readonly unrepresentable: UnrepresentablePolicy;
  /** Per calling AE title. Config MWL_UNREPRESENTABLE_BY_AE. */
  readonly unrepresentableByAe: Readonly<Record<string, UnrepresentablePolicy>>;
  /** Rows per cursor FETCH. */
  readonly fetchSize: number;
}

export const DEFAULT_MWL_FIND_CONFIG: MwlFindConfig = {
  offeredStatuses: ['SCHEDULED', 'ARRIVED'],
  nameMatch: 'insensitive',
  maxAnswers: 10_000,
  defaultCharset: 'ISO_IR 192',
  charsetByAe: {},
  unknownKeys: 'ignore',
  rejectUnknownKeysFrom: [],
  unrepresentable: 'transliterate',
  unrepresentableByAe: {},
  fetchSize: 200,
};

/**
 * Final statuses this handler chooses (PS3.4 K.4.1.1.4). 0xFE00 on C-CANCEL and 0xC31x for
 * decode/encode failures come from the DIMSE layer.
 *
 * Too many matches: the first `maxAnswers` go out as Pending, then the C-FIND ends with A700
 * "Refused: Out of resources" and an Error Comment, not with Success. A silently truncated
 * worklist would let a technologist conclude that a patient is not scheduled and type the
 * demographics by hand; a failure status makes the SCU say the list is incomplete.
 */
export const MwlStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingWithUnsupportedKeys: 0xff01,
  TooManyMatches: 0xa700,
  IdentifierDoesNotMatchSopClass: 0xa900,
  DatabaseUnavailable: 0xc001,
  DatabaseQueryFailed: 0xc002,
} as const;

/** Log event (and audit warning code) per policy when a value did not fit the AE's set. */
const UNREPRESENTABLE_EVENT: Readonly<Record<UnrepresentablePolicy, string>> = {
  transliterate: 'mwl.value-transliterated',
  replace: 'mwl.value-replaced',
  utf8: 'mwl.charset-fallback',
};

const SILENT: DimseLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Modality Worklist C-FIND over Postgres: parse → one SQL statement → cursor → one answer per row. */
export class MwlFindHandler implements FindHandler {
  private readonly config: MwlFindConfig;

  constructor(
    private readonly pool: Pool,
    config: Partial<MwlFindConfig> = {},
    private readonly logger: DimseLogger = SILENT,
  ) {
    this.config = { ...DEFAULT_MWL_FIND_CONFIG, ...config };
    if (!Number.isInteger(this.config.maxAnswers) || this.config.maxAnswers < 1) throw new RangeError('maxAnswers must be a positive integer');
  }

  async *find(req: FindRequest, signal: AbortSignal): AsyncGenerator<FindMatch, FindOutcome | void, void> {
    const { maxAnswers } = this.config;
    const callingAe = req.association.callingAeTitle.trim();
    const unknownKeys = this.config.rejectUnknownKeysFrom.includes(callingAe) ? 'reject' : this.config.unknownKeys;
    let query: MwlQuery;
    try {
      query = parseMwlQuery(req.identifier, { unknownKeys, combinedDateTime: req.combinedDateTimeMatching });
    } catch (err) {
      if (!(err instanceof MwlQueryError)) throw err;
      this.logger.warn({ event: 'mwl.query-rejected', association: req.association.id, offending: err.offendingElements.map(hexTag) }, 'identifier does not match the MWL model');
      return { status: MwlStatus.IdentifierDoesNotMatchSopClass, errorComment: err.message, offendingElements: [...err.offendingElements] };
    }
    const plan = planMwlAnswer(query);
    const sql = buildMwlSql(query, plan, { offeredStatuses: this.config.offeredStatuses, nameMatch: this.config.nameMatch, limit: maxAnswers + 1 });
    const unsupported = [...sql.unsupported, ...query.unknown, ...query.ignored];
    const status = unsupported.length > 0 ? MwlStatus.PendingWithUnsupportedKeys : MwlStatus.Pending;
    const charset = this.config.charsetByAe[callingAe] ?? this.config.defaultCharset;
    const policy = this.config.unrepresentableByAe[callingAe] ?? this.config.unrepresentable;
    let sent = 0;
    const unfit: string[] = [];
    const attributes = new Set<string>();
    try {
      for await (const row of streamRows(this.pool, sql, { signal, batchSize: this.config.fetchSize })) {
        if (sent === maxAnswers) {
          this.logger.warn({ event: 'mwl.too-many-matches', association: req.association.id, limit: maxAnswers }, 'C-FIND cut at the answer limit');
          return { status: MwlStatus.TooManyMatches, errorComment: `More than ${maxAnswers} matches: narrow the query` };
        }
        const answer = plan.map(row, charset, policy);
        const ref = plan.stepId(row);
        const warning = answer.fellBack || answer.adjusted.length > 0 ? { code: UNREPRESENTABLE_EVENT[policy], attributes: answer.adjusted } : undefined;
        if (warning) {
          unfit.push(ref);
          answer.adjusted.forEach((a) => attributes.add(a));
        }
        yield { status, identifier: answer.identifier, ref, warning };
        sent++;
      }
    } catch (err) {
      if (!(err instanceof WorklistDatabaseError)) throw err;
      if (signal.aborted) return;
      this.logger.error({ event: 'mwl.database-error', association: req.association.id, unavailable: err.unavailable, error: err.message }, 'worklist query failed');
      return err.unavailable
        ? { status: MwlStatus.DatabaseUnavailable, errorComment: 'Worklist database unavailable' }
        : { status: MwlStatus.DatabaseQueryFailed, errorComment: 'Worklist query failed' };
    } finally {
      if (unfit.length > 0) {
        // Attribute keywords and step ids only: the original values stay in the stored item.
        this.logger.warn(
          {
            event: UNREPRESENTABLE_EVENT[policy],
            association: req.association.id,
            callingAeTitle: req.association.callingAeTitle,
            configured: charset,
            policy,
            ...(policy === 'utf8' ? { fallback: FALLBACK_CHARSET } : { attributes: [...attributes] }),
            answers: unfit.length,
            steps: unfit.slice(0, 10),
          },
          policy === 'utf8' ? 'answers not representable in the configured character set were sent in UTF-8' : `values not representable in the configured character set were ${policy === 'replace' ? 'replaced' : 'transliterated'}`,
        );
      }
    }
    if (unsupported.length > 0) this.logger.debug({ event: 'mwl.unsupported-keys', association: req.association.id, keys: unsupported.map(hexTag) }, 'keys not matched on (universal), answered as Pending 0xFF01');
    return { status: MwlStatus.Success };
  }
}

function hexTag(t: number): string {
  return (t >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
