import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { TransactionContext, UnitOfWork } from '@radflow/domain';
import { PgMessageStore } from './repositories/pg-message.store';
import { PgWorkflowStore } from './repositories/pg-workflow.store';
import { PgPerformedStepStore } from './repositories/pg-performed-step.store';
import { PgReportStore } from './repositories/pg-report.store';
import { PgWorklistImportStore } from './repositories/pg-worklist-import.store';
import { PgHousekeepingStore } from './repositories/pg-housekeeping.store';
import { SqlSession } from './repositories/sql';
import { SessionTimeouts } from './data-source';
import { createPipelinedPool, PipelinedPool } from './pg-pools';

/**
 * One Postgres transaction per call, on connections in pipeline mode. An HL7 order is a handful of
 * reads and many writes; the writes are sent without waiting (their ids are made by the stores),
 * everything issued in one turn of the event loop leaves in one socket write, and the COMMIT goes
 * out behind the last write. Statements are named prepared statements, planned once per connection.
 *
 * In a process the persistence module makes the pipelined pool and ends it (PgPools); a unit of
 * work made from a URL (tests, benchmarks) makes its own and ends it in close().
 */
export class PgUnitOfWork implements UnitOfWork {
  private readonly pool: PipelinedPool;
  private readonly ownsPool: boolean;

  constructor(pool: PipelinedPool);
  constructor(url: string, poolSize: number, timeouts?: SessionTimeouts, onConnectionError?: (e: Error) => void);
  constructor(poolOrUrl: PipelinedPool | string, poolSize = 1, timeouts: SessionTimeouts = {}, onConnectionError?: (e: Error) => void) {
    this.ownsPool = typeof poolOrUrl === 'string';
    this.pool = typeof poolOrUrl === 'string'
      ? createPipelinedPool({ url: poolOrUrl, poolSize, applicationName: 'radflow-ingest', ...timeouts, onConnectionError })
      : poolOrUrl;
  }

  async run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const session = new PipelinedSession(client);
    let broken: Error | undefined;
    let lost: Error | undefined;
    // a checked-out pg client has no error listener: the server dropping it would crash the process
    const onError = (e: Error) => (lost = broken = e);
    client.on('error', onError);
    try {
      const begin = session.query('BEGIN');
      // awaited only on the way to the commit: when the work fails first, its failure must not go unhandled
      begin.catch(() => undefined);
      const result = await work({
        workflow: new PgWorkflowStore(session),
        messages: new PgMessageStore(session),
        performedSteps: new PgPerformedStepStore(session),
        reports: new PgReportStore(session),
        worklistImport: new PgWorklistImportStore(session),
        housekeeping: new PgHousekeepingStore(session),
      });
      const commit = client.query('COMMIT');
      commit.catch(() => undefined);
      await begin;
      await session.settle(); // the first failed write, if any: then the COMMIT was a rollback
      await commit;
      return result;
    } catch (e) {
      // a failed write aborts the transaction, so what failed after it says only "aborted": report the write;
      // a lost connection, likewise, is the cause of every "not queryable" after it
      const writeError = await session.settle().then(() => undefined, (err: unknown) => err);
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw writeError ?? lost ?? e;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** Ends the pool when this unit of work made it; the module's pool is ended by its owner. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
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

/** The statements of one transaction, with writes that nobody waits for until the commit. */
class PipelinedSession implements SqlSession {
  private readonly pending: Promise<void>[] = [];
  private corked = false;

  constructor(private readonly client: PoolClient) {}

  readonly query = async <R = any>(text: string, params: unknown[] = []): Promise<R[]> => {
    this.cork();
    return (await this.client.query({ name: statementName(text), text, values: params })).rows as R[];
  };

  readonly write = (text: string, params: unknown[], mapError?: (e: unknown) => unknown): void => {
    this.cork();
    const done = this.client.query({ name: statementName(text), text, values: params }).then(
      () => undefined,
      (e: unknown) => Promise.reject(mapError ? mapError(e) : e),
    );
    done.catch(() => undefined); // observed in settle(); never an unhandled rejection
    this.pending.push(done);
  };

  /** Waits for every write; rejects with the first that failed (later ones only say the transaction was aborted). */
  async settle(): Promise<void> {
    const results = await Promise.allSettled(this.pending);
    this.pending.length = 0;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** Holds socket writes until the current turn of the event loop has issued all its statements. */
  private cork(): void {
    const stream = (this.client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
    if (this.corked) return;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}
