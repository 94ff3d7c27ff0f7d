import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface RadflowChild {
  hl7Port: number;
  dicomPort: number;
  httpPort: number;
  child: ChildProcess;
  pid: number;
  output(): string;
  /** SIGTERM and wait for the exit (a --cpu-prof profile is written then). */
  stop(): Promise<void>;
}

// a bench that dies half-way must not leave Radflow processes behind
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/**
 * The built all-in-one process as it runs in production (LOG_LEVEL=warn, no demo data) on the
 * given database and free ports, once /health says 200. `env` adds or overrides variables.
 */
export async function spawnRadflow(repo: string, databaseUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RadflowChild> {
  const [hl7Port, httpPort, dicomPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [...nodeArgs, resolve(repo, 'dist/apps/radflow/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, HL7_PORT: String(hl7Port), HTTP_PORT: String(httpPort),
      DICOM_PORT: String(dicomPort), LOG_LEVEL: 'warn', RADFLOW_DEMO_DATA: '0', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => (children.delete(child), r())));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`radflow exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`radflow not healthy after 60 s:\n${out}`);
    if (await fetch(`http://127.0.0.1:${httpPort}/health`).then((r) => r.status === 200, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { hl7Port, dicomPort, httpPort, child, pid: child.pid!, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolveFn, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolveFn(port));
    });
  });
}
