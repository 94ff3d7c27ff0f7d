/**
 * The logging port of the MLLP layer. pino's `Logger` satisfies it as is.
 * Implementations must never receive payload bytes from this layer: MLLP code logs only
 * connection ids, peers, byte counts and durations (STYLE.md §8, HL7 payloads carry PHI).
 */
export interface MllpLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const ignore = (): void => undefined;

/** For tests and tools that do not care about MLLP logs. */
export const NOOP_MLLP_LOGGER: MllpLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
