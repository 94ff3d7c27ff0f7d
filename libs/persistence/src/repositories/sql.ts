/** Runs one SQL statement in the current transaction. */
export type Sql = <T = any>(text: string, params?: unknown[]) => Promise<T[]>;

/**
 * Sends a write whose result nobody waits for: it goes out with the next statement instead of
 * costing a round trip of its own. Its failure surfaces, mapped by `mapError`, before the commit.
 */
export type SqlWrite = (text: string, params: unknown[], mapError?: (e: unknown) => unknown) => void;

/** The statements of one transaction. */
export interface SqlSession {
  query: Sql;
  write: SqlWrite;
}

/** Column → value pairs, leaving out undefined ("keep the stored value"); null clears. */
export function definedColumns(columns: Record<string, unknown>): [string, unknown][] {
  return Object.entries(columns).filter(([, v]) => v !== undefined);
}

/** `INSERT INTO table (cols) VALUES ($1..)` for the defined columns. */
export function insertSql(table: string, columns: Record<string, unknown>, returning = 'id', onConflict = ''): { text: string; params: unknown[] } {
  const cols = definedColumns(columns);
  const names = cols.map(([c]) => c).join(', ');
  const marks = cols.map((_, i) => `$${i + 1}`).join(', ');
  return { text: `INSERT INTO ${table} (${names}) VALUES (${marks}) ${onConflict} RETURNING ${returning}`, params: cols.map(([, v]) => v) };
}

export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && err.constraint === constraint;
}

/** `UPDATE table SET …, updated_at = now() WHERE id = $n` for the defined columns. */
export function updateSql(table: string, id: string, columns: Record<string, unknown>): { text: string; params: unknown[] } {
  const cols = definedColumns(columns);
  const sets = cols.map(([c], i) => `${c} = $${i + 1}`);
  sets.push('updated_at = now()');
  return { text: `UPDATE ${table} SET ${sets.join(', ')} WHERE id = $${cols.length + 1}`, params: [...cols.map(([, v]) => v), id] };
}

export function json(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}
