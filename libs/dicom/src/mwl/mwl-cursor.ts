import type { Pool, PoolClient } from 'pg';

export interface CursorOptions {
  readonly signal: AbortSignal;
  /** Rows per FETCH; memory stays at one batch whatever the result size. */
  readonly batchSize?: number;
}

const BEGIN = 'BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 1; SET LOCAL random_page_cost = 1.1';

/** The worklist database failed us (connection, timeout, SQL error): the handler answers 0xC0xx. */
export class WorklistDatabaseError extends Error {
  override readonly name = 'WorklistDatabaseError';
  constructor(
    cause: unknown,
    /** True when the database could not be reached at all (connection refused, pool timeout, shutdown). */
    readonly unavailable: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Streams the rows (as arrays) of one statement through a server-side cursor (`DECLARE … CURSOR`
 * + `FETCH n`) in a read-only transaction on a connection of its own. Stops before the next
 * FETCH once `signal` aborts or the consumer returns; closing the transaction closes the cursor.
 *
 * The connection goes back to the pool on every path: when the generator finishes or is closed,
 * and also as soon as `signal` aborts while it waits at a `yield` — a consumer that dies there
 * (association aborted, socket reset) may never call return(), and the connection would sit
 * "idle in transaction" until the server's timeout.
 */
export async function* streamRows(pool: Pool, sql: { text: string; values: unknown[] }, options: CursorOptions): AsyncGenerator<unknown[], void, void> {
  const batch = options.batchSize ?? 200;
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new WorklistDatabaseError(err, true);
  }
  const lease = new CursorLease(client);
  const releaseIfWaiting = (): void => void (lease.querying ? undefined : lease.release());
  options.signal.addEventListener('abort', releaseIfWaiting, { once: true });
  try {
    let rows: unknown[][];
    try {
      // Every row up to the cap is read, so plan for the whole result: the default 0.1 makes the
      // planner walk the start index hoping for early matches (5x slower for `SMI*` at 100k).
      // The worklist lives in memory; at the default random_page_cost of 4 the planner hashes
      // whole tables instead of probing their primary keys (Q2: 296 → 186 ms at 1M steps).
      await lease.query(BEGIN);
      await lease.query({ text: `DECLARE mwl_answers NO SCROLL CURSOR FOR\n${sql.text}`, values: sql.values });
    } catch (err) {
      throw new WorklistDatabaseError(err, isUnavailable(err));
    }
    const fetch = { text: `FETCH ${batch} FROM mwl_answers`, rowMode: 'array' as const };
    do {
      if (options.signal.aborted) return;
      try {
        rows = (await lease.query<unknown[]>(fetch)).rows;
      } catch (err) {
        throw new WorklistDatabaseError(err, isUnavailable(err));
      }
      for (const row of rows) {
        if (options.signal.aborted) return;
        yield row;
      }
    } while (rows.length === batch);
  } finally {
    options.signal.removeEventListener('abort', releaseIfWaiting);
    await lease.release();
  }
}

/** One checked-out connection that is given back exactly once, however many paths try. */
class CursorLease {
  querying = false;
  private released: Promise<void> | undefined;
  /** Set when the server ends the session between statements (idle_in_transaction_session_timeout, restart). */
  private lost: Error | undefined;
  // pg emits 'error' on a checked-out client that has no query running; unheard, it would end the process.
  private readonly onLost = (err: Error): void => void (this.lost = err);

  constructor(private readonly client: PoolClient) {
    client.on('error', this.onLost);
  }

  async query<R extends unknown[] = unknown[]>(q: string | { text: string; values?: unknown[]; rowMode?: 'array' }): Promise<{ rows: R[] }> {
    if (this.released) throw new Error('cursor connection already released');
    if (this.lost) throw this.lost;
    this.querying = true;
    try {
      return await this.client.query<R>(q as never);
    } finally {
      this.querying = false;
    }
  }

  /** Read-only, so ROLLBACK loses nothing; a connection that cannot even do that is destroyed. */
  release(): Promise<void> {
    const give = (err?: Error): void => {
      this.client.off('error', this.onLost);
      this.client.release(err ?? this.lost);
    };
    this.released ??= this.lost ? Promise.resolve(give()) : this.client.query('ROLLBACK').then(() => give(), give);
    return this.released;
  }
}

function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return true; // socket-level: reset, terminated, timeout
  // 08 connection exception, 53 insufficient resources, 57P0x shutdown / cannot connect now
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-4]$/.test(code) || code.startsWith('E');
}
