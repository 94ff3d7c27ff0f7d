import { Pool } from 'pg';
import { Env } from '@radflow/config';
import { MessageLogService } from '@radflow/hl7';
import { AuditEventEntity, createDataSource, PgAuditTrail, PgMessageLog, resolveDatabase } from '@radflow/persistence';

export { cliAccess } from '../cli-user';

/** The message log over DATABASE_URL (or the embedded database), with the audit trail beside it. */
export async function withMessageLog<T>(env: Readonly<Env>, use: (service: MessageLogService) => Promise<T>): Promise<T> {
  const db = await resolveDatabase(env);
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const ds = createDataSource({ url: db.url, poolSize: 1, applicationName: 'radflow-cli' });
  try {
    await ds.initialize();
    return await use(new MessageLogService(new PgMessageLog(pool), new PgAuditTrail(ds.getRepository(AuditEventEntity))));
  } finally {
    await pool.end();
    if (ds.isInitialized) await ds.destroy();
    await db.embedded?.stop();
  }
}
