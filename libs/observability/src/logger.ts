import pino, { Logger as PinoLogger } from 'pino';

/** The structured logger every process uses. Lines are JSON with `app` and `event`. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): Logger;
}

/**
 * Keys that may hold patient data. They are removed from every log line unless LOG_PHI=1 (a
 * development switch, off by default): names, identifiers, dates of birth, raw messages, datasets.
 */
export const PHI_KEYS = [
  'name', 'patientName', 'patientId', 'mrn', 'birthDate', 'dob', 'sex', 'address', 'phone',
  'accession', 'accessionNumber', 'raw', 'payload', 'message', 'dataset', 'identifier', 'text',
];

export function createLogger(options: { app: string; level: string; logPhi?: boolean; destination?: pino.DestinationStream }): Logger {
  const redact = options.logPhi ? undefined : { paths: PHI_KEYS.flatMap((k) => [k, `*.${k}`]), remove: true };
  const base = pino(
    { level: options.level, base: { app: options.app }, redact, serializers: { err: errorFields }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  return wrap(base);
}

function wrap(p: PinoLogger): Logger {
  return {
    debug: (o, m) => p.debug(o, m),
    info: (o, m) => p.info(o, m),
    warn: (o, m) => p.warn(o, m),
    error: (o, m) => p.error(o, m),
    child: (b) => wrap(p.child(b)),
  };
}

/** For tests and tools that want silence. */
export const NULL_LOGGER: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => NULL_LOGGER };

/**
 * An error for a log line: class, code and message, never the input that caused it. PostgreSQL
 * quotes the offending value in its messages (`invalid input syntax for type date: "…"`), so a
 * database error's quoted text is blanked, and its `detail` (which repeats key values) is not kept.
 */
export function errorFields(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { err: String(e).slice(0, 200) };
  const code = (e as { code?: unknown }).code;
  const scrub = isDatabaseError(e) ? blankQuoted : (t: string) => t;
  return { errClass: e.name, errCode: code, errMessage: scrub(e.message.slice(0, 500)), stack: e.stack && scrub(e.stack.split('\n').slice(0, 6).join('\n')) };
}

function isDatabaseError(e: Error): boolean {
  return 'severity' in e && typeof (e as { code?: unknown }).code === 'string';
}

function blankQuoted(text: string): string {
  return text.replace(/"[^"\n]*"/g, '"…"');
}
