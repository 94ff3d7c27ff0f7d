import { Pool } from 'pg';
import { createDataset, DicomElement, getString } from '../../libs/dicom/src/dimse/dicom-dataset';
import { Tags } from '../../libs/dicom/src/dimse/dicom-dictionary';
import type { FindMatch } from '../../libs/dicom/src/dimse/dimse-handler';
import { MwlFindHandler } from '../../libs/dicom/src/mwl/mwl-find.handler';
import { planMwlAnswer } from '../../libs/dicom/src/mwl/mwl-item.mapper';
import { parseMwlQuery } from '../../libs/dicom/src/mwl/mwl-query';
import { buildMwlSql } from '../../libs/dicom/src/mwl/mwl-sql';
import { insertBulkMwlItems, insertMwlItem } from '../../libs/testing/src/factories/mwl-rows';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * Finished steps stay out of the MWL step indexes (migration 1763900000010): the benchmark-shaped
 * queries are planned on the partial indexes, and their answers are the same whether or not
 * history lies beside the worklist. A site that offers a finished status still gets it, without them.
 */

type El = [number, DicomElement];
const s = (t: number, vr: string, value = ''): El => [t, { vr, value } as DicomElement];
const sps = (...els: El[]): El => [Tags.ScheduledProcedureStepSequence, { vr: 'SQ', value: [createDataset(els)] }];
const RETURN_KEYS = [s(Tags.AccessionNumber, 'SH'), s(Tags.PatientName, 'PN'), s(Tags.PatientID, 'LO')];
const OFFERED = ['SCHEDULED', 'ARRIVED'];

/** The queries of bench/mwl (Q1–Q3), one on the start alone, one a multi-station step answers. */
const QUERIES: Record<string, { keys: El[]; index: RegExp }> = {
  Q1: { keys: [sps(s(Tags.ScheduledStationAETitle, 'AE', 'CT01'), s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261212'))], index: /scheduled_procedure_steps_mwl_station_start_unfinished/ },
  Q2: { keys: [sps(s(Tags.Modality, 'CS', 'CT'), s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261210-20261212'))], index: /scheduled_procedure_steps_mwl_modality_start_unfinished/ },
  Q3: { keys: [s(Tags.PatientID, 'LO', 'BULKP500')], index: /patients_patient_id_issuer.*scheduled_procedure_steps_patient_unfinished|scheduled_procedure_steps_patient_unfinished.*patients_patient_id_issuer/ },
  day: { keys: [sps(s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261212'))], index: /scheduled_procedure_steps_mwl_start_unfinished/ },
  multiStation: { keys: [sps(s(Tags.ScheduledStationAETitle, 'AE', 'XR09'))], index: /scheduled_procedure_steps_mwl_station_multi_unfinished/ },
};
const FINISHED = ['COMPLETED', 'CANCELED', 'DISCONTINUED', 'DEPARTED'];

let db: ScratchDatabase;
let pool: Pool;

async function accessions(keys: El[], offeredStatuses = OFFERED): Promise<string[]> {
  const handler = new MwlFindHandler(pool, { maxAnswers: 100_000, offeredStatuses });
  const association = { id: 'int', callingAeTitle: 'FINDSCU', calledAeTitle: 'RADFLOW', peerAddress: '127.0.0.1' };
  const request = { association, messageId: 1, affectedSopClassUid: '1.2.840.10008.5.1.4.31', priority: 0, identifier: createDataset([...RETURN_KEYS, ...keys]), combinedDateTimeMatching: false };
  const found: FindMatch[] = [];
  for await (const m of handler.find(request, new AbortController().signal)) found.push(m);
  return found.map((m) => getString(m.identifier, Tags.AccessionNumber) ?? '').sort();
}

/**
 * The plan of the statement the handler sends, planned as its cursor is (no parallel workers):
 * `custom` with the values at hand, as the cursor's unnamed statement is; `generic` as a prepared
 * statement reused with other values is, where only the SQL text can prove an index's predicate.
 */
async function plan(keys: El[], offeredStatuses = OFFERED, mode: 'custom' | 'generic' = 'custom'): Promise<string> {
  const query = parseMwlQuery(createDataset([...RETURN_KEYS, ...keys]));
  const sql = buildMwlSql(query, planMwlAnswer(query), { offeredStatuses, nameMatch: 'insensitive', limit: 100_001 });
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 1; SET LOCAL random_page_cost = 1.1; SET LOCAL max_parallel_workers_per_gather = 0');
    if (mode === 'custom') return JSON.stringify((await client.query({ text: `EXPLAIN (FORMAT JSON) ${sql.text}`, values: sql.values })).rows[0]['QUERY PLAN']);
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE mwl_generic AS ${sql.text}`);
    const args = sql.values.map((v) => (typeof v === 'number' ? String(v) : client.escapeLiteral(Array.isArray(v) ? `{${v.map((x) => JSON.stringify(x)).join(',')}}` : String(v))));
    return JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) EXECUTE mwl_generic(${args.join(', ')})`)).rows[0]['QUERY PLAN']);
  } finally {
    await client.query('ROLLBACK; DEALLOCATE ALL');
    client.release();
  }
}

const seqScanOnSteps = (p: string): boolean => /"Seq Scan"[^}]*"scheduled_procedure_steps"/.test(p);

async function expectPartialIndexPlans(): Promise<void> {
  for (const [name, q] of Object.entries(QUERIES)) {
    const custom = await plan(q.keys);
    expect({ name, index: q.index.test(custom), seqScanOnSteps: seqScanOnSteps(custom) }).toEqual({ name, index: true, seqScanOnSteps: false });
    // without the values the planner may pick another index (Q1: the start one), but always a partial one
    const generic = await plan(q.keys, OFFERED, 'generic');
    const partial = name === 'Q3' ? q.index : /_unfinished/;
    expect({ name, generic: partial.test(generic), seqScanOnSteps: seqScanOnSteps(generic) }).toEqual({ name, generic: true, seqScanOnSteps: false });
  }
}

const answersAlone: Record<string, string[]> = {};

beforeAll(async () => {
  db = await createScratchDatabase();
  pool = new Pool({ connectionString: db.url, max: 4 });
  await insertBulkMwlItems(pool, 30_000);
  // a few multi-station steps, one of them finished (it must never be answered)
  await insertMwlItem(pool, { accessionNumber: 'MULTI1', stationAeTitles: ['XR09', 'XR10'], startDate: '20261212' });
  await insertMwlItem(pool, { accessionNumber: 'MULTI2', stationAeTitles: ['XR10', 'XR09'], startDate: '20261213', status: 'ARRIVED' });
  await pool.query('ANALYZE patients, imaging_orders, requested_procedures, scheduled_procedure_steps');
  for (const [name, q] of Object.entries(QUERIES)) answersAlone[name] = await accessions(q.keys);
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('MWL partial indexes over unfinished steps', () => {
  it('answers the benchmark queries from the partial indexes', async () => {
    expect(answersAlone.Q1.length).toBeGreaterThan(10);
    expect(answersAlone.Q2.length).toBeGreaterThan(100);
    expect(answersAlone.Q3).toEqual(['BULKA500']);
    expect(answersAlone.multiStation).toEqual(['MULTI1', 'MULTI2']);
    await expectPartialIndexPlans();
  });

  it('gives the same answers, from the same indexes, with twice as many finished steps beside them', async () => {
    await insertBulkMwlItems(pool, 60_000, 'HIST');
    await pool.query(
      `UPDATE scheduled_procedure_steps s SET status = ($1::text[])[1 + abs(hashtext(p.patient_id)) % 4]
         FROM patients p WHERE p.id = s.patient_ref AND p.patient_id LIKE 'HISTP%'`,
      [FINISHED],
    );
    // the Q3 patient's earlier exams, and finished multi-station steps
    for (const [i, status] of FINISHED.entries()) {
      await insertMwlItem(pool, { accessionNumber: `OLD500-${i}`, patientId: 'BULKP500', issuer: 'BULK', status });
      await insertMwlItem(pool, { accessionNumber: `MULTIDONE-${i}`, stationAeTitles: ['XR09', 'XR11'], startDate: '20261212', status });
    }
    await pool.query('VACUUM ANALYZE scheduled_procedure_steps, patients, imaging_orders, requested_procedures');
    const finished = await pool.query(`SELECT count(*)::int AS n FROM scheduled_procedure_steps WHERE status = ANY($1::text[])`, [FINISHED]);
    expect(finished.rows[0].n).toBe(60_008);
    for (const [name, q] of Object.entries(QUERIES)) expect({ name, answers: await accessions(q.keys) }).toEqual({ name, answers: answersAlone[name] });
    await expectPartialIndexPlans();
  });

  it('still answers a finished status a site offers, without the partial indexes', async () => {
    const offered = [...OFFERED, 'COMPLETED'];
    const multi = await accessions(QUERIES.multiStation.keys, offered);
    expect(multi).toEqual(['MULTI1', 'MULTI2', 'MULTIDONE-0']);
    expect(await accessions(QUERIES.Q3.keys, offered)).toEqual(['BULKA500', 'OLD500-0']);
    const q1 = await accessions(QUERIES.Q1.keys, offered);
    expect(q1.length).toBeGreaterThan(answersAlone.Q1.length);
    expect(q1).toEqual(expect.arrayContaining(answersAlone.Q1));
    expect(await plan(QUERIES.Q1.keys, offered)).not.toMatch(/_unfinished/);
  });
});

describe('MWL status policy (MWL_OFFERED_STATUSES)', () => {
  const STATUSES = ['SCHEDULED', 'ARRIVED', 'READY', 'STARTED', ...FINISHED];
  const day = (status?: string): El[] => [sps(s(Tags.ScheduledStationAETitle, 'AE', 'POL01'), s(Tags.ScheduledProcedureStepStartDate, 'DA', '20270105'), s(Tags.ScheduledProcedureStepStatus, 'CS', status ?? ''))];

  beforeAll(async () => {
    for (const status of STATUSES) await insertMwlItem(pool, { accessionNumber: `POL-${status}`, stationAeTitles: ['POL01'], startDate: '20270105', status });
    await insertMwlItem(pool, { accessionNumber: 'POL-HELD', stationAeTitles: ['POL01'], startDate: '20270105', held: true });
  });

  it('offers exactly the configured statuses, never a held step', async () => {
    expect(await accessions(day())).toEqual(['POL-ARRIVED', 'POL-SCHEDULED']);
    expect(await accessions(day(), ['STARTED'])).toEqual(['POL-STARTED']);
    expect(await accessions(day(), ['SCHEDULED', 'COMPLETED', 'DEPARTED'])).toEqual(['POL-COMPLETED', 'POL-DEPARTED', 'POL-SCHEDULED']);
  });

  it('answers a modality that asks for a status outside the policy with nothing', async () => {
    expect(await accessions(day('COMPLETED'))).toEqual([]);
    expect(await accessions(day('STARTED'))).toEqual([]);
    expect(await accessions(day('ARRIVED'))).toEqual(['POL-ARRIVED']);
  });
});
