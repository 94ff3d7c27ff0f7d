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
 */
export async function* streamRows(pool: Pool, sql: { text: string; values: unknown[] }, options: CursorOptions): AsyncGenerator<unknown[], void, void> {
  const batch = options.batchSize ?? 200;
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new WorklistDatabaseError(err, true);
  }
  let broken: Error | undefined;
  try {
    let rows: unknown[][];
    try {
      // Every row up to the cap is read, so plan for the whole result: the default 0.1 makes the
      // planner walk the start index hoping for early matches (5x slower for `SMI*` at 100k).
      // The worklist lives in memory; at the default random_page_cost of 4 the planner hashes
      // whole tables instead of probing their primary keys (Q2: 296 → 186 ms at 1M steps).
      await client.query(BEGIN);
      await client.query({ text: `DECLARE mwl_answers NO SCROLL CURSOR FOR\n${sql.text}`, values: sql.values });
    } catch (err) {
      throw new WorklistDatabaseError(err, isUnavailable(err));
    }
    const fetch = { text: `FETCH ${batch} FROM mwl_answers`, rowMode: 'array' as const };
    do {
      if (options.signal.aborted) return;
      try {
        rows = (await client.query<unknown[]>(fetch)).rows;
      } catch (err) {
        throw new WorklistDatabaseError(err, isUnavailable(err));
      }
      for (const row of rows) {
        yield row;
        if (options.signal.aborted) return;
      }
    } while (rows.length === batch);
  } finally {
    // Read-only, so ROLLBACK loses nothing; a connection that cannot even do that is destroyed.
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    client.release(broken);
  }
}

function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return true; // socket-level: reset, terminated, timeout
  // 08 connection exception, 53 insufficient resources, 57P0x shutdown / cannot connect now
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-4]$/.test(code) || code.startsWith('E');
}
