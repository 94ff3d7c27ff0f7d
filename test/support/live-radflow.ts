import { Client } from 'pg';
import { MllpTestClient } from './mllp-test-client';
import { MppsTarget } from './mpps-scu';
import { startRadflow, RadflowProcess } from './radflow-process';
import { createScratchDatabase, ScratchDatabase } from './scratch-database';

/** The built process on a scratch database, an open MLLP connection to it, its MPPS target and a client to read the rows. */
export interface LiveRadflow {
  radflow: RadflowProcess;
  hl7: MllpTestClient;
  mpps: MppsTarget;
  q(text: string, params?: unknown[]): Promise<any[]>;
  close(): Promise<void>;
}

export async function openLiveRadflow(env: Record<string, string> = {}): Promise<LiveRadflow> {
  const db: ScratchDatabase = await createScratchDatabase();
  const radflow = await startRadflow({ DATABASE_URL: db.url, ...env });
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const hl7 = await MllpTestClient.open(radflow.hl7Port);
  return {
    radflow, hl7,
    mpps: { port: radflow.dicomPort, callingAe: 'CT01' },
    q: async (text, params = []) => (await sql.query(text, params)).rows,
    close: async () => {
      hl7.close();
      await sql.end();
      await radflow.stop();
      await db.drop();
    },
  };
}
