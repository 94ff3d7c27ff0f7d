import { Pool } from 'pg';
import { claimStudy, releaseStudy, runUseCase } from '@radflow/domain';
import { Hl7InboundOptions, Hl7InboundService } from '@radflow/hl7';
import { PgUnitOfWork } from '@radflow/persistence';
import { omiO23 } from '@radflow/testing';
import { parseAck } from '../support/hl7-peers';
import { capturingLogger } from '../support/capturing-logger';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * Claim and release on real Postgres, as the reading worklist will call them: only an acquired
 * study can be claimed, a release gives it back, and both leave study history rows with the user
 * as the source. Synthetic patients only.
 */
const OPTIONS: Hl7InboundOptions = {
  defaultCharset: 'UNICODE UTF-8', processingIds: ['P'], unhandledAdt: 'accept', duplicateIdNewContent: 'process',
  receivingApplication: 'RADFLOW', receivingFacility: 'RAD', stationAeByModality: {}, orderPolicy: { newOrderWhenExists: 'reject' },
};

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
let service: Hl7InboundService;
let seq = 0;

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
  service = new Hl7InboundService(uow, OPTIONS, capturingLogger([]));
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;
const send = async (text: string) => parseAck(await service.handle(Buffer.from(text, 'utf8'), { peer: '127.0.0.1', connectionId: 'int-reading' })).code;

async function study(completed: boolean): Promise<string> {
  const n = ++seq;
  const o = { patientId: `PREAD${n}`, accession: `READ${n}${process.pid}`.slice(0, 16), requestedProcedureId: `RPREAD${n}`, spsId: `SPSREAD${n}`, studyInstanceUid: `2.25.${process.pid}${Date.now()}${n}`, placerOrderNumber: `PLREAD${n}^RIS` };
  expect(await send(omiO23({ controlId: `READNW${n}`, ...o }))).toBe('AA');
  if (completed) expect(await send(omiO23({ controlId: `READCM${n}`, ...o, orderControl: 'SC', orderStatus: 'CM' }))).toBe('AA');
  return (await q('SELECT id FROM requested_procedures WHERE study_instance_uid = $1', [o.studyInstanceUid]))[0].id;
}
const studyHistory = async (ref: string) =>
  (await q(`SELECT from_status, to_status, event, source_kind, source_ref FROM study_transitions WHERE procedure_ref = $1 AND scope = 'study' ORDER BY id`, [ref])).map((r) => `${r.from_status}>${r.to_status} ${r.event} ${r.source_kind}:${r.source_ref}`);

describe('reading claim and release drive the study lifecycle', () => {
  const reader = { kind: 'user' as const, ref: 'radiologist-7' };

  it('claims a completed study (being read) and releases it (completed again)', async () => {
    const ref = await study(true);
    expect(await runUseCase(uow, claimStudy, { studyRef: ref }, reader)).toMatchObject({ changed: true, from: 'completed', to: 'being_read' });
    expect(await runUseCase(uow, releaseStudy, { studyRef: ref }, reader)).toMatchObject({ changed: true, from: 'being_read', to: 'completed' });
    expect((await studyHistory(ref)).slice(-2)).toEqual(['completed>being_read reading.claimed user:radiologist-7', 'being_read>completed reading.released user:radiologist-7']);
  });

  it('refuses to claim a study not acquired yet, changing nothing', async () => {
    const ref = await study(false);
    await expect(runUseCase(uow, claimStudy, { studyRef: ref }, reader)).rejects.toMatchObject({ code: 'INVALID_TRANSITION', message: 'study is scheduled: not acquired yet' });
    expect(await studyHistory(ref)).toEqual([]);
    await expect(runUseCase(uow, claimStudy, { studyRef: '00000000-0000-4000-8000-000000000000' }, reader)).rejects.toMatchObject({ code: 'UNKNOWN_STUDY' });
  });
});
