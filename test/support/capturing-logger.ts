import { Logger } from '@radflow/observability';

export type LogLine = Record<string, unknown>;

/** A Logger that keeps every line (level, child bindings, fields, message) for a test to read. */
export function capturingLogger(lines: LogLine[], bindings: object = {}): Logger {
  const put = (level: string) => (obj: object, msg: string) => void lines.push({ level, ...bindings, ...obj, msg });
  return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error'), child: (b) => capturingLogger(lines, { ...bindings, ...b }) };
}
