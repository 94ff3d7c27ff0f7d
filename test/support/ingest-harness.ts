import { Pool } from 'pg';
import { Hl7InboundOptions, Hl7InboundService } from '@radflow/hl7';
import { PgUnitOfWork } from '@radflow/persistence';
import { capturingLogger } from './capturing-logger';
import { parseAck } from './hl7-peers';
import { createScratchDatabase, ScratchDatabase } from './scratch-database';

/** Inbound options of a plain site: UTF-8, production messages, a second NW refused. */
export const INGEST_OPTIONS: Hl7InboundOptions = {
  defaultCharset: 'UNICODE UTF-8', processingIds: ['P'], unhandledAdt: 'accept', duplicateIdNewContent: 'process',
  receivingApplication: 'RADFLOW', receivingFacility: 'RAD', stationAeByModality: {}, orderPolicy: { newOrderWhenExists: 'reject' },
};

/** The inbound HL7 service on the real unit of work over a scratch database, with a pool to look at the rows. */
export interface IngestHarness {
  db: ScratchDatabase;
  sql: Pool;
  uow: PgUnitOfWork;
  q(text: string, params?: unknown[]): Promise<any[]>;
  /** Ingests a message; its ACK code and ERR segments. */
  send(text: string): Promise<{ code: string; errs: string[] }>;
  close(): Promise<void>;
}

export async function openIngestHarness(connectionId: string, options: Partial<Hl7InboundOptions> = {}): Promise<IngestHarness> {
  const db = await createScratchDatabase();
  const sql = new Pool({ connectionString: db.url, max: 2 });
  const uow = new PgUnitOfWork(db.url, 2);
  const service = new Hl7InboundService(uow, { ...INGEST_OPTIONS, ...options }, capturingLogger([]));
  return {
    db, sql, uow,
    q: async (text, params = []) => (await sql.query(text, params)).rows,
    send: async (text) => {
      const bytes = await service.handle(Buffer.from(text, 'utf8'), { peer: '127.0.0.1', connectionId });
      return { code: parseAck(bytes).code, errs: bytes.toString('latin1').split('\r').filter((s) => s.startsWith('ERR')) };
    },
    close: async () => {
      await uow.close();
      await sql.end();
      await db.drop();
    },
  };
}
