import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { TransactionContext, UnitOfWork } from '@radflow/domain';
import { PgMessageStore } from './repositories/pg-message.store';
import { PgWorkflowStore } from './repositories/pg-workflow.store';
import { Sql } from './repositories/sql';

/**
 * One Postgres transaction per call, on a connection of the pool TypeORM owns. Statements go as
 * named prepared statements: the hot path runs the same few SQL texts thousands of times, and
 * Postgres would otherwise plan each one again (about 40 % of its time per message).
 */
export class PgUnitOfWork implements UnitOfWork {
  constructor(private readonly pool: Pool) {}

  async run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const sql = preparedSql(client);
      const result = await work({ workflow: new PgWorkflowStore(sql), messages: new PgMessageStore(sql) });
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw e;
    } finally {
      client.release(broken);
    }
  }
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `rf_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

function preparedSql(client: PoolClient): Sql {
  return async (text, params = []) => (await client.query({ name: statementName(text), text, values: params })).rows;
}

/** Postgres errors worth retrying the whole transaction for (lost races, deadlocks). */
export function isRetryableConflict(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}
