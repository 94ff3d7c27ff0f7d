import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024);
}

export async function healthStatus(httpPort: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/health`, { signal: AbortSignal.timeout(10_000) });
    return res.status;
  } catch {
    return 0;
  }
}

const TCP_STATES: Record<string, string> = { '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING' };

/**
 * Server-side sockets still open on `port` (the listening one excluded), by TCP state, from
 * /proc/net/tcp{,6}. TIME_WAIT is left out: it holds no process resource.
 */
export function openServerSockets(port: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      const state = TCP_STATES[cols[3]] ?? cols[3];
      if (localPort !== port || state === 'LISTEN' || state === 'TIME_WAIT') continue;
      counts[state] = (counts[state] ?? 0) + 1;
    }
  }
  return counts;
}

/** Waits until `probe` returns an empty record (or the deadline passes) and returns its last answer. */
export async function settle<T extends Record<string, number>>(probe: () => Promise<T> | T, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await probe();
    if (Object.keys(now).length === 0 || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sessions of the database in `url` by state, for the ones that matter: idle in transaction (aborted) and active. */
export async function pgSessions(url: string): Promise<Record<string, number>> {
  const sql = new Client({ connectionString: url });
  await sql.connect();
  try {
    const { rows } = await sql.query(
      `SELECT state, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('idle in transaction', 'idle in transaction (aborted)')
        GROUP BY state`,
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  } finally {
    await sql.end();
  }
}
