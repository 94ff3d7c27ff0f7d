import { DataSource } from 'typeorm';
import { TransactionContext, UnitOfWork } from '@radflow/domain';
import { PgMessageStore } from './repositories/pg-message.store';
import { PgWorkflowStore } from './repositories/pg-workflow.store';
import { Sql } from './repositories/sql';

/** One Postgres transaction per call, through a TypeORM query runner. */
export class TypeormUnitOfWork implements UnitOfWork {
  constructor(private readonly ds: DataSource) {}

  async run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const sql: Sql = (text, params) => runner.query(text, params);
      let savepoints = 0;
      const tx: TransactionContext = {
        workflow: new PgWorkflowStore(sql),
        messages: new PgMessageStore(sql),
        async savepoint<R>(inner: () => Promise<R>): Promise<R> {
          const name = `sp_${++savepoints}`;
          await runner.query(`SAVEPOINT ${name}`);
          try {
            const result = await inner();
            await runner.query(`RELEASE SAVEPOINT ${name}`);
            return result;
          } catch (e) {
            await runner.query(`ROLLBACK TO SAVEPOINT ${name}`);
            throw e;
          }
        },
      };
      const result = await work(tx);
      await runner.commitTransaction();
      return result;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }
}

/** Postgres errors worth retrying the whole transaction for (lost races, deadlocks). */
export function isRetryableConflict(e: unknown): boolean {
  const code = (e as { code?: string; driverError?: { code?: string } })?.driverError?.code ?? (e as { code?: string })?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}
