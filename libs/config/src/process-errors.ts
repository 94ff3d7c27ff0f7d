/**
 * Process-level safety nets, installed once per process.
 *
 * An unhandled rejection is a promise nobody awaited: typically an async callback fired by a timer
 * or an event. The operation it belonged to has already failed on its own, and what it touched is
 * local to it, so it is logged and the process goes on: Node's default (exit) would drop every
 * MLLP and DICOM connection for one stray promise. Code that must stop the process on failure
 * awaits its promises (startProcess does), so nothing fatal travels this way.
 *
 * An uncaught exception stays fatal: it unwound synchronous code at an arbitrary point (an 'error'
 * event without a listener, a bug in a callback), so shared state may be half-updated. It is logged
 * in one line and the process exits 1, for the supervisor to restart it.
 *
 * The lines carry the error's class, code and stack frames, never its message, which may quote
 * field values (patient data).
 */
let installed = false;

export function installProcessErrorHandlers(write: (line: string) => void): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    write(JSON.stringify({ level: 'error', time: new Date().toISOString(), event: 'process.unhandled-rejection', ...errorShape(reason), msg: 'unhandled promise rejection; process continues' }));
  });
  process.on('uncaughtException', (error) => {
    write(JSON.stringify({ level: 'fatal', time: new Date().toISOString(), event: 'process.uncaught-exception', ...errorShape(error), msg: 'uncaught exception; exiting' }));
    process.exit(1);
  });
}

/** Class, code and call sites of an error, without its message. */
export function errorShape(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { errClass: typeof e };
  const code = (e as { code?: unknown }).code;
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 6).map((l) => l.trim());
  return { errClass: e.name, errCode: typeof code === 'string' || typeof code === 'number' ? code : undefined, frames };
}
