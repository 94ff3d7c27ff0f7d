import { createDataSource, PgPools, PgUnitOfWork } from '@radflow/persistence';

const SETTINGS = `SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS iit, current_setting('application_name') AS app`;
type Settings = { st: string; iit: string; app: string };

/** The settings of the connection the unit of work's statements run on (the store's session, a private field). */
function settingsInside(uow: PgUnitOfWork): Promise<Settings[]> {
  return uow.run(async (tx) => (tx.workflow as unknown as { sql: (text: string) => Promise<Settings[]> }).sql(SETTINGS));
}

/** DB_STATEMENT_TIMEOUT_MS and DB_IDLE_IN_TRANSACTION_TIMEOUT_MS reach every connection of every pool as server settings. */
describe('pool session timeouts', () => {
  it('sets statement_timeout and idle_in_transaction_session_timeout on the pool TypeORM owns (audit, history)', async () => {
    const ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2, statementTimeoutMs: 1234, idleInTransactionTimeoutMs: 5678 });
    await ds.initialize();
    try {
      expect(await ds.query(SETTINGS)).toEqual([{ st: '1234ms', iit: '5678ms', app: 'radflow-orm' }]);
      await expect(ds.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ driverError: { code: '57014' } });
    } finally {
      await ds.destroy();
    }
  });

  it('sets them on both raw pools the persistence module owns: the shared one (MWL cursor, LISTEN) and the pipelined one (HL7 ingest)', async () => {
    const pools = PgPools.create({ url: process.env.DATABASE_URL!, poolSize: 1, statementTimeoutMs: 1234, idleInTransactionTimeoutMs: 5678 });
    try {
      expect((await pools.shared.query(SETTINGS)).rows).toEqual([{ st: '1234ms', iit: '5678ms', app: 'radflow' }]);
      // a statement past the limit is cancelled by the server, not by pg's timer
      await expect(pools.shared.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: '57014' });
      const uow = new PgUnitOfWork(pools.pipelined);
      expect(await settingsInside(uow)).toEqual([{ st: '1234ms', iit: '5678ms', app: 'radflow-ingest' }]);
      // the module's pool is the module's to end: the unit of work leaves it open
      await uow.close();
      expect((await pools.pipelined.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pools.close();
    }
  });

  it('sets them on the pool a unit of work made from a URL makes (tests, benchmarks), and ends that pool on close', async () => {
    const uow = new PgUnitOfWork(process.env.DATABASE_URL!, 1, { statementTimeoutMs: 2345, idleInTransactionTimeoutMs: 6789 });
    try {
      expect(await settingsInside(uow)).toEqual([{ st: '2345ms', iit: '6789ms', app: 'radflow-ingest' }]);
    } finally {
      await uow.close();
    }
    await expect(uow.run(async () => 1)).rejects.toThrow(/ended|end/i);
  });
});
