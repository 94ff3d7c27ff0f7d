import { Client } from 'pg';

export interface StatementCost {
  calls: number;
  /** Microseconds per HL7 message spent executing, and planning, this statement. */
  execUsPerMessage: number;
  planUsPerMessage: number;
  query: string;
}

/** pg_stat_statements for one database: `reset()` before the measured traffic, `read()` after. */
export class StatementStats {
  private constructor(private readonly url: string) {}

  static async open(url: string): Promise<StatementStats> {
    const stats = new StatementStats(url);
    await stats.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return stats;
  }

  async reset(): Promise<void> {
    await this.query('SELECT pg_stat_statements_reset()');
  }

  /** Statements of this database by total time (execution + planning), per HL7 message sent. */
  async read(messages: number, top = 25): Promise<{ execUs: number; planUs: number; statements: StatementCost[] }> {
    const rows = await this.query<{ calls: string; exec_ms: number; plan_ms: number; query: string }>(
      `SELECT calls, total_exec_time AS exec_ms, total_plan_time AS plan_ms, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
        ORDER BY total_exec_time + total_plan_time DESC`,
    );
    const per = (ms: number) => Math.round((ms * 1000 * 10) / messages) / 10;
    const statements = rows.map((r) => ({ calls: Number(r.calls), execUsPerMessage: per(r.exec_ms), planUsPerMessage: per(r.plan_ms), query: r.query.slice(0, 100) }));
    const sum = (f: (s: StatementCost) => number) => Math.round(statements.reduce((n, s) => n + f(s), 0));
    return { execUs: sum((s) => s.execUsPerMessage), planUs: sum((s) => s.planUsPerMessage), statements: statements.slice(0, top) };
  }

  private async query<T = unknown>(sql: string): Promise<T[]> {
    const c = new Client({ connectionString: this.url });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  }
}
