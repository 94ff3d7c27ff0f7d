import { hostname, userInfo } from 'node:os';
import { Pool } from 'pg';
import { Env } from '@radflow/config';
import { MessageLogService, PhiAccess } from '@radflow/hl7';
import { PgAuditTrail, PgMessageLog, resolveDatabase } from '@radflow/persistence';

/** The message log over DATABASE_URL (or the embedded database), with the audit trail beside it. */
export async function withMessageLog<T>(env: Readonly<Env>, use: (service: MessageLogService) => Promise<T>): Promise<T> {
  const db = await resolveDatabase(env);
  const pool = new Pool({ connectionString: db.url, max: 2 });
  try {
    return await use(new MessageLogService(new PgMessageLog(pool), new PgAuditTrail(pool)));
  } finally {
    await pool.end();
    await db.embedded?.stop();
  }
}

/** Who the audit row names: `--user`, else the OS user running the command. */
export function cliAccess(user: string | undefined): PhiAccess {
  return { user: user ?? osUser(), peer: `cli@${hostname()}` };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // no passwd entry (containers): the uid still says who
    return process.env.USER ?? `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}
