import { Client } from 'pg';
import { RadflowChild, spawnRadflow } from '../common/radflow-child';
import { mllpRun } from '../hl7-ingest/load';
import { cpuSecondsOf } from '../hl7-ingest/profile';

/**
 * The built all-in-one process as the other benches start it, with the association limits raised
 * so that every SCU of a saturation run (all from 127.0.0.1) gets in instead of being rejected.
 */
export function startRadflow(repo: string, databaseUrl: string): Promise<RadflowChild> {
  const env: Record<string, string> = { DICOM_MAX_ASSOCIATIONS: '512', DICOM_MAX_ASSOCIATIONS_PER_PEER: '512', HL7_MAX_CONNECTIONS_PER_PEER: '128' };
  for (const key of ['DB_POOL_SIZE', 'REDIS_URL'] as const) if (process.env[key]) env[key] = process.env[key]!;
  return spawnRadflow(repo, databaseUrl, env);
}

/** Places orders over MLLP (8 connections) before a timed part; every one must be accepted. */
export async function placeOrders(rf: RadflowChild, messages: Buffer[]): Promise<{ seconds: number; perSecond: number }> {
  const r = await mllpRun(rf.hl7Port, messages, 8);
  const refused = Object.entries(r.codes).filter(([code]) => code !== 'AA');
  if (refused.length) throw new Error(`orders not accepted: ${JSON.stringify(r.codes)}\n${rf.output().slice(-2000)}`);
  return { seconds: r.seconds, perSecond: r.msgPerSec };
}

/** Rows in study_transitions so far, by scope, and the database's clock when they were counted. */
export interface TransitionCount {
  step: number;
  study: number;
  flag: number;
  atSeconds: number;
}

export class TransitionCounter {
  private constructor(private readonly sql: Client) {}

  static async open(url: string): Promise<TransitionCounter> {
    const sql = new Client({ connectionString: url });
    await sql.connect();
    return new TransitionCounter(sql);
  }

  async count(): Promise<TransitionCount> {
    const rows = (await this.sql.query<{ scope: string; n: string; at: string }>(
      `SELECT scope, count(*) AS n, extract(epoch FROM clock_timestamp()) AS at FROM study_transitions GROUP BY scope
       UNION ALL SELECT 'none', 0, extract(epoch FROM clock_timestamp())`,
    )).rows;
    const of = (scope: string) => Number(rows.find((r) => r.scope === scope)?.n ?? 0);
    return { step: of('step'), study: of('study'), flag: of('flag'), atSeconds: Number(rows[rows.length - 1].at) };
  }

  /** Step statuses of the given accessions, to check that the lifecycle really moved. */
  async stepStatuses(accessions: readonly string[]): Promise<Record<string, number>> {
    const rows = (await this.sql.query<{ status: string; n: string }>(
      `SELECT s.status, count(*) AS n FROM scheduled_procedure_steps s
         JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref
        WHERE o.accession_number = ANY($1) GROUP BY s.status`, [accessions],
    )).rows;
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /**
   * Waits until what the last part started has settled: the outbox no longer moving and Radflow's
   * CPU back near idle, so the next timed part does not pay for the previous one's tail. (Rows of
   * topics no relay of this build routes stay pending for good, so "no change" is the test, not 0.)
   */
  async waitQuiet(pid: number, timeoutMs = 60_000): Promise<void> {
    const pending = async () => Number((await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE relayed_at IS NULL')).rows[0].n);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [before, cpu0] = [await pending(), cpuSecondsOf(pid)];
      await new Promise((r) => setTimeout(r, 500));
      if ((await pending()) === before && cpuSecondsOf(pid) - cpu0 < 0.05) return;
    }
  }

  close(): Promise<void> {
    return this.sql.end();
  }
}
