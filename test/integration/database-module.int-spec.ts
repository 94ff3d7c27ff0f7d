import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadEnv } from '@radflow/config';
import { StudyHistoryReader, UNIT_OF_WORK, UnitOfWork } from '@radflow/domain';
import { AUDIT_TRAIL, AuditTrail } from '@radflow/observability';
import { PG_POOL, ProcessModule, STUDY_HISTORY } from '@radflow/persistence';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * The persistence module as a process builds it: the DataSource from @nestjs/typeorm with its own
 * pool, the raw pools made (and ended) by the module, the TypeORM repositories behind the ports.
 */
describe('DatabaseModule', () => {
  let db: ScratchDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createScratchDatabase();
    const env = loadEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', DB_STATEMENT_TIMEOUT_MS: '4321' });
    app = await NestFactory.createApplicationContext(ProcessModule.forRoot('persistence-test', env, []), { logger: ['error', 'warn'], abortOnError: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await db?.drop();
  });

  const settingOf = async (query: () => Promise<Array<{ app: string; st: string }>>) => (await query())[0];
  const SETTINGS = `SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS st`;

  it('gives each pool its owner and the process settings: TypeORM its own, the raw code and the ingest theirs', async () => {
    const ds = app.get(DataSource);
    const pool = app.get<Pool>(PG_POOL);
    const uow = app.get<UnitOfWork>(UNIT_OF_WORK);
    expect(ds.isInitialized).toBe(true);
    expect(await settingOf(() => ds.query(SETTINGS))).toEqual({ app: 'radflow-orm', st: '4321ms' });
    expect(await settingOf(async () => (await pool.query(SETTINGS)).rows)).toEqual({ app: 'radflow', st: '4321ms' });
    const inside = await uow.run(async (tx) => (tx.workflow as unknown as { sql: (t: string) => Promise<Array<{ app: string; st: string }>> }).sql(SETTINGS));
    expect(inside[0]).toEqual({ app: 'radflow-ingest', st: '4321ms' });
  });

  it('writes the audit trail through TypeORM as the raw SQL did: absent values as NULL, the detail as jsonb', async () => {
    const audit = app.get<AuditTrail>(AUDIT_TRAIL);
    await audit.record({ actor: 'RADFLOW_TEST', action: 'mwl.query', entity: 'worklist', detail: { answers: 3, warnings: [{ code: 'W1' }] } });
    await audit.record({ actor: 'alice', action: 'study-history.read', entity: 'requested_procedure', entityId: 'p-1', peer: 'cli@ws1' });
    const { rows } = await app.get<Pool>(PG_POOL).query(`SELECT actor, action, entity, entity_id, peer, detail, jsonb_typeof(detail) AS kind, at <= now() AS stamped FROM audit_events ORDER BY id`);
    expect(rows).toEqual([
      { actor: 'RADFLOW_TEST', action: 'mwl.query', entity: 'worklist', entity_id: null, peer: null, detail: { answers: 3, warnings: [{ code: 'W1' }] }, kind: 'object', stamped: true },
      { actor: 'alice', action: 'study-history.read', entity: 'requested_procedure', entity_id: 'p-1', peer: 'cli@ws1', detail: null, kind: null, stamped: true },
    ]);
  });

  it('reads the history through TypeORM: nothing for a key no study has', async () => {
    expect(await app.get<StudyHistoryReader>(STUDY_HISTORY).find('NO-SUCH-ACCESSION')).toEqual([]);
  });

  it('ends every pool it made, and the DataSource, when the process stops', async () => {
    const ds = app.get(DataSource);
    const pool = app.get<Pool>(PG_POOL);
    const uow = app.get<UnitOfWork>(UNIT_OF_WORK);
    await app.close();
    expect(ds.isInitialized).toBe(false);
    expect(pool.ended).toBe(true);
    await expect(uow.run(async () => 1)).rejects.toThrow(/after calling end/);
  });
});
