import { createDataSource, pgPoolOf, PgUnitOfWork } from '@radflow/persistence';

/** DB_STATEMENT_TIMEOUT_MS and DB_IDLE_IN_TRANSACTION_TIMEOUT_MS reach every pool connection as server settings. */
describe('pool session timeouts', () => {
  it('sets statement_timeout and idle_in_transaction_session_timeout on the TypeORM pool (MWL cursor, audit)', async () => {
    const ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2, statementTimeoutMs: 1234, idleInTransactionTimeoutMs: 5678 });
    await ds.initialize();
    try {
      const [row] = await ds.query(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS iit`);
      expect(row).toEqual({ st: '1234ms', iit: '5678ms' });
      // The pool the MWL cursor streams from is the same one: a statement past the limit is cancelled by the server.
      await expect(pgPoolOf(ds).query('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await ds.destroy();
    }
  });

  it('sets them on the unit-of-work pool (HL7 ingest)', async () => {
    const uow = new PgUnitOfWork(process.env.DATABASE_URL!, 1, { statementTimeoutMs: 2345, idleInTransactionTimeoutMs: 6789 });
    try {
      const settings = await uow.run(async (tx) => {
        // the store's own session (a private field): the connection the ingest statements run on
        const sql = (tx.workflow as unknown as { sql: (text: string) => Promise<Array<{ st: string; iit: string }>> }).sql;
        return sql(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS iit`);
      });
      expect(settings).toEqual([{ st: '2345ms', iit: '6789ms' }]);
    } finally {
      await uow.close();
    }
  });
});
