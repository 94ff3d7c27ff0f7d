import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import { createDataset, DicomDataset, DicomElement, getString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import type { DimseLogger, FindMatch, FindOutcome, FindRequest } from '../dimse/dimse-handler';
import { MwlFindConfig, MwlFindHandler, MwlStatus } from './mwl-find.handler';
import { planMwlAnswer } from './mwl-item.mapper';
import { parseMwlQuery } from './mwl-query';

type El = [number, DicomElement];
const s = (t: number, vr: string, value = ''): El => [t, { vr, value } as DicomElement];
const QUERY: El[] = [s(Tags.PatientName, 'PN'), s(Tags.PatientID, 'LO', 'P*'), [Tags.ScheduledProcedureStepSequence, { vr: 'SQ', value: [createDataset([s(Tags.Modality, 'CS', 'CT')])] }]];

/** A strict fake of the pool: only the statements the cursor protocol uses are accepted. */
function fakePool(rows: unknown[][], failures: { connect?: Error; declare?: Error } = {}) {
  const log: string[] = [];
  let next = 0;
  const client = Object.assign(new EventEmitter(), {
    query: jest.fn(async (q: string | { text: string }, _values?: unknown[]) => {
      const text = typeof q === 'string' ? q : q.text;
      log.push(text.split('\n')[0]);
      if (text.startsWith('BEGIN READ ONLY')) return { rows: [] };
      if (text.startsWith('DECLARE mwl_answers NO SCROLL CURSOR FOR')) {
        if (failures.declare) throw failures.declare;
        return { rows: [] };
      }
      const fetch = /^FETCH (\d+) FROM mwl_answers$/.exec(text);
      if (fetch) {
        const batch = rows.slice(next, next + Number(fetch[1]));
        next += batch.length;
        return { rows: batch };
      }
      if (text === 'ROLLBACK') return { rows: [] };
      throw new Error(`unexpected statement: ${text}`);
    }),
    release: jest.fn(),
  });
  const pool = {
    connect: jest.fn(async () => {
      if (failures.connect) throw failures.connect;
      return client;
    }),
  };
  return { pool: pool as unknown as Pool, client, log };
}

function rowsFor(els: El[], n: number): unknown[][] {
  const plan = planMwlAnswer(parseMwlQuery(createDataset(els)));
  return Array.from({ length: n }, (_, i) =>
    plan.columns.map((c) => ({ 's.id': `step-${i}`, 'p.name': i === 0 ? 'MÜLLER^HANS' : `DOE^JOHN${i}`, 'p.patient_id': `P${i}`, 's.modality': 'CT' })[c] ?? null),
  );
}

function request(identifier: DicomDataset, callingAeTitle = 'CT01'): FindRequest {
  return { association: { id: 'a1', callingAeTitle, calledAeTitle: 'RADFLOW', peerAddress: '127.0.0.1' }, messageId: 7, affectedSopClassUid: '1.2.840.10008.5.1.4.31', priority: 0, identifier, combinedDateTimeMatching: false };
}

async function run(pool: Pool, els: El[], config: Partial<MwlFindConfig> = {}, options: { callingAe?: string; abortAfter?: number; logger?: DimseLogger } = {}) {
  const controller = new AbortController();
  const handler = new MwlFindHandler(pool, { maxAnswers: 100, ...config }, options.logger);
  const gen = handler.find(request(createDataset(els), options.callingAe), controller.signal);
  const matches: FindMatch[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { matches, outcome: r.value as FindOutcome | undefined };
    matches.push(r.value);
    if (matches.length === options.abortAfter) {
      controller.abort();
      await gen.return(undefined);
      return { matches, outcome: undefined };
    }
  }
}

describe('MwlFindHandler', () => {
  it('streams one Pending per row through a cursor, then Success, and closes the cursor', async () => {
    const { pool, client, log } = fakePool(rowsFor(QUERY, 5));
    const { matches, outcome } = await run(pool, QUERY, { fetchSize: 2 });
    expect(matches.map((m) => m.status)).toEqual([0xff00, 0xff00, 0xff00, 0xff00, 0xff00]);
    expect(getString(matches[1].identifier, Tags.PatientName)).toBe('DOE^JOHN1');
    expect(outcome).toEqual({ status: MwlStatus.Success });
    expect(log).toEqual([
      'BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 1; SET LOCAL random_page_cost = 1.1',
      'DECLARE mwl_answers NO SCROLL CURSOR FOR',
      'FETCH 2 FROM mwl_answers',
      'FETCH 2 FROM mwl_answers',
      'FETCH 2 FROM mwl_answers',
      'ROLLBACK',
    ]);
    expect(client.release).toHaveBeenCalledWith(undefined);
  });

  it('passes query values as bind parameters of the DECLARE', async () => {
    const { pool, client } = fakePool([]);
    await run(pool, QUERY);
    const declare = client.query.mock.calls.find(([q]) => typeof q !== 'string' && q.text.startsWith('DECLARE'))?.[0] as { text: string; values: unknown[] };
    expect(declare.values).toEqual([['SCHEDULED', 'ARRIVED'], 'P%', 'CT', 101]);
    expect(declare.text).not.toMatch(/'P%'|'CT'/);
  });

  it('answers 0xFF01 when an optional key could not be used for matching', async () => {
    const els: El[] = [...QUERY, s(Tags.PatientWeight, 'DS', '70')];
    const { pool } = fakePool(rowsFor(els, 1));
    const { matches } = await run(pool, els);
    expect(matches.map((m) => m.status)).toEqual([0xff01]);
    expect(matches[0].identifier.get(Tags.PatientWeight)).toEqual({ vr: 'DS', value: '' });
  });

  describe('keys outside the MWL model (Study Description, Other Patient IDs, Patient Species …)', () => {
    const extra: El[] = [...QUERY, s(0x00081030, 'LO', 'CHEST*'), s(0x00101000, 'LO'), s(0x00102201, 'LO'), s(0x00102292, 'LO'), s(0x00102297, 'PN')];

    it('answers the matches with 0xFF01, the unknown keys zero-length, the match not narrowed by them', async () => {
      const { pool, client } = fakePool(rowsFor(extra, 2));
      const { matches, outcome } = await run(pool, extra);
      expect(matches.map((m) => m.status)).toEqual([0xff01, 0xff01]);
      expect(matches[0].identifier.get(0x00081030)).toEqual({ vr: 'LO', value: '' });
      expect(matches[0].identifier.get(0x00102297)).toEqual({ vr: 'PN', value: '' });
      expect(outcome).toEqual({ status: MwlStatus.Success });
      const declare = client.query.mock.calls.find(([q]) => typeof q !== 'string' && q.text.startsWith('DECLARE'))?.[0] as { text: string; values: unknown[] };
      expect(declare.values).toEqual([['SCHEDULED', 'ARRIVED'], 'P%', 'CT', 101]);
    });

    it('answers 0xA900 naming them to a calling AE configured to reject them; others still get answers', async () => {
      const rejecting = { rejectUnknownKeysFrom: ['OLD_CT'] };
      const refused = await run(fakePool([]).pool, extra, rejecting, { callingAe: 'OLD_CT' });
      expect(refused.outcome?.status).toBe(MwlStatus.IdentifierDoesNotMatchSopClass);
      expect(refused.outcome?.offendingElements).toEqual([0x00081030, 0x00101000, 0x00102201, 0x00102292, 0x00102297]);
      const answered = await run(fakePool(rowsFor(extra, 1)).pool, extra, rejecting, { callingAe: 'CT01' });
      expect(answered.matches.map((m) => m.status)).toEqual([0xff01]);
    });

    it('keeps 0xA900 for a malformed value of a model key, even when lenient', async () => {
      const { outcome } = await run(fakePool([]).pool, [...extra, s(Tags.PatientBirthDate, 'DA', 'yesterday')]);
      expect(outcome?.offendingElements).toEqual([Tags.PatientBirthDate]);
    });
  });

  it.each<['transliterate' | 'replace' | 'utf8', string, string]>([
    ['transliterate', 'mwl.value-transliterated', 'MULLER^HANS'],
    ['replace', 'mwl.value-replaced', 'M?LLER^HANS'],
    ['utf8', 'mwl.charset-fallback', 'MÜLLER^HANS'],
  ])('%s: a name the AE set cannot hold is warned about as %s, without the name', async (policy, event, expected) => {
    const warnings: unknown[] = [];
    const logger: DimseLogger = { info() {}, debug() {}, error() {}, warn: (fields: unknown) => warnings.push(fields) };
    const { matches } = await run(fakePool(rowsFor(QUERY, 2)).pool, QUERY, { charsetByAe: { OLD_CT: 'ISO_IR 6' }, unrepresentableByAe: { OLD_CT: policy } }, { callingAe: 'OLD_CT', logger });
    const sent = getString(matches[0].identifier, Tags.PatientName);
    expect(sent).toBe(expected);
    expect(matches[0].warning).toEqual({ code: event, attributes: policy === 'utf8' ? [] : ['PatientName'] });
    expect(matches[1].warning).toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ event, callingAeTitle: 'OLD_CT', policy, answers: 1, steps: ['step-0'] })]);
    expect(JSON.stringify(warnings)).not.toMatch(/LLER/);
  });

  it('answers 0xA900 with the offending elements, without touching the database', async () => {
    const { pool } = fakePool([]);
    const { matches, outcome } = await run(pool, [s(Tags.QueryRetrieveLevel, 'CS', 'STUDY'), s(Tags.PatientBirthDate, 'DA', 'yesterday')], { rejectUnknownKeysFrom: ['CT01'] });
    expect(matches).toEqual([]);
    expect(outcome?.status).toBe(MwlStatus.IdentifierDoesNotMatchSopClass);
    expect(outcome?.offendingElements).toEqual([Tags.QueryRetrieveLevel, Tags.PatientBirthDate]);
    expect((pool.connect as jest.Mock).mock.calls).toHaveLength(0);
  });

  it('sends maxAnswers matches then ends with 0xA700 when there are more', async () => {
    const { pool, log } = fakePool(rowsFor(QUERY, 5));
    const { matches, outcome } = await run(pool, QUERY, { maxAnswers: 3 });
    expect(matches).toHaveLength(3);
    expect(outcome).toEqual({ status: MwlStatus.TooManyMatches, errorComment: 'More than 3 matches: narrow the query' });
    expect(log[log.length - 1]).toBe('ROLLBACK');
  });

  it('stops fetching when the C-CANCEL aborts the signal, and still releases the connection', async () => {
    const { pool, client, log } = fakePool(rowsFor(QUERY, 10));
    const { matches } = await run(pool, QUERY, { fetchSize: 2 }, { abortAfter: 1 });
    expect(matches).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('FETCH'))).toHaveLength(1);
    expect(log[log.length - 1]).toBe('ROLLBACK');
    expect(client.release).toHaveBeenCalledTimes(1);
  });

  it('gives the connection back as soon as the signal aborts, even if nobody ever resumes or closes the generator', async () => {
    const { pool, client, log } = fakePool(rowsFor(QUERY, 10));
    const controller = new AbortController();
    const gen = new MwlFindHandler(pool, { fetchSize: 5 }).find(request(createDataset(QUERY)), controller.signal);
    expect((await gen.next()).done).toBe(false);
    // The consumer dies here (association aborted while it waited for 'drain'): no next(), no return().
    controller.abort();
    await new Promise((r) => setImmediate(r));
    expect(log[log.length - 1]).toBe('ROLLBACK');
    expect(client.release).toHaveBeenCalledTimes(1);
    expect(client.listenerCount('error')).toBe(0);
    // A late resume finds the signal aborted: no statement on the returned connection, no second release.
    expect((await gen.next()).done).toBe(true);
    expect(log.filter((l) => l === 'ROLLBACK')).toHaveLength(1);
    expect(client.release).toHaveBeenCalledTimes(1);
  });

  it('survives the server ending the session between statements (idle in transaction timeout): 0xC001, connection destroyed', async () => {
    const { pool, client } = fakePool(rowsFor(QUERY, 10));
    const gen = new MwlFindHandler(pool, { fetchSize: 5 }).find(request(createDataset(QUERY)), new AbortController().signal);
    for (let i = 0; i < 5; i++) expect((await gen.next()).done).toBe(false);
    const lost = new Error('terminating connection due to idle-in-transaction timeout');
    client.emit('error', lost); // would be an uncaught 'error' event without a listener
    const end = await gen.next();
    expect(end).toEqual({ done: true, value: { status: MwlStatus.DatabaseUnavailable, errorComment: 'Worklist database unavailable' } });
    expect(client.release).toHaveBeenCalledWith(lost);
  });

  it('answers 0xC001 when the database cannot be reached', async () => {
    const { pool } = fakePool([], { connect: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const { outcome } = await run(pool, QUERY);
    expect(outcome).toEqual({ status: MwlStatus.DatabaseUnavailable, errorComment: 'Worklist database unavailable' });
  });

  it('answers 0xC002 when the statement fails, and returns the healthy connection', async () => {
    const { pool, client } = fakePool([], { declare: Object.assign(new Error('relation does not exist'), { code: '42P01' }) });
    const { outcome } = await run(pool, QUERY);
    expect(outcome).toEqual({ status: MwlStatus.DatabaseQueryFailed, errorComment: 'Worklist query failed' });
    expect(client.release).toHaveBeenCalledWith(undefined);
  });

  it('answers in the character set configured for the calling AE, UTF-8 otherwise', async () => {
    const { pool } = fakePool(rowsFor(QUERY, 1));
    const legacy = await run(pool, QUERY, { charsetByAe: { LEGACY_CT: 'ISO_IR 100' } }, { callingAe: 'LEGACY_CT' });
    expect(getString(legacy.matches[0].identifier, Tags.SpecificCharacterSet)).toBe('ISO_IR 100');
    const other = fakePool(rowsFor(QUERY, 1));
    const modern = await run(other.pool, QUERY, { charsetByAe: { LEGACY_CT: 'ISO_IR 100' } }, { callingAe: 'MR01' });
    expect(getString(modern.matches[0].identifier, Tags.SpecificCharacterSet)).toBe('ISO_IR 192');
  });

  it('refuses a nonsensical answer limit at construction', () => {
    expect(() => new MwlFindHandler(fakePool([]).pool, { maxAnswers: 0 })).toThrow(RangeError);
  });
});
