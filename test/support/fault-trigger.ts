import type { Pool } from 'pg';

/**
 * A database fault on demand: a BEFORE trigger on one table that raises a chosen SQLSTATE on
 * each row it sees, for the first `failures` rows, then lets rows through. The count lives in a
 * sequence because a sequence is not rolled back with the transaction the fault aborts; the
 * sequence also says how many rows (so how many attempts) reached the table.
 *
 * `when` narrows the rows that count (a condition on NEW), so a test can fail one write of
 * several to the same table.
 */
export interface Fault {
  /** Rows that reached the trigger so far, failed or not. */
  calls(): Promise<number>;
  remove(): Promise<void>;
}

export interface FaultOptions {
  table: string;
  sqlstate: string;
  /** How many matching rows fail before rows pass; Infinity: every one. */
  failures: number;
  /** SQL condition on NEW, e.g. `NEW.payload->>'n' = '2'`; default every row. */
  when?: string;
  message?: string;
  /** 'terminate': the backend kills its own connection instead of raising (a server-side disconnect mid-transaction). */
  action?: 'raise' | 'terminate';
}

let faults = 0;

export async function installFault(pool: Pool, o: FaultOptions): Promise<Fault> {
  const name = `test_fault_${process.pid}_${++faults}`;
  const failures = Number.isFinite(o.failures) ? o.failures : 2_147_483_647;
  const message = (o.message ?? `injected fault ${o.sqlstate}`).replace(/'/g, "''");
  await pool.query(`CREATE SEQUENCE ${name}_calls`);
  await pool.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF nextval('${name}_calls') <= ${failures} THEN
        ${o.action === 'terminate' ? 'PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5);' : `RAISE EXCEPTION '${message}' USING ERRCODE = '${o.sqlstate}';`}
      END IF;
      RETURN NEW;
    END $fn$`);
  await pool.query(
    `CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON ${o.table} FOR EACH ROW ${o.when ? `WHEN (${o.when})` : ''} EXECUTE FUNCTION ${name}()`,
  );
  return {
    calls: async () => {
      const { rows } = await pool.query<{ n: string }>(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${name}_calls`);
      return Number(rows[0].n);
    },
    remove: async () => {
      await pool.query(`DROP TRIGGER IF EXISTS ${name} ON ${o.table}`);
      await pool.query(`DROP FUNCTION IF EXISTS ${name}()`);
      await pool.query(`DROP SEQUENCE IF EXISTS ${name}_calls`);
    },
  };
}
