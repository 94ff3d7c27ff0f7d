import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './free-port';

export interface RadflowProcess {
  hl7Port: number;
  httpPort: number;
  dicomPort: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: the crash case. */
  kill(): Promise<void>;
}

const MAIN = resolve(__dirname, '../../dist/apps/radflow/src/main.js');

/** Starts the built all-in-one process (npm test builds first) and waits until /health says 200. */
export async function startRadflow(env: Record<string, string>, ports?: { hl7Port?: number; httpPort?: number; dicomPort?: number }): Promise<RadflowProcess> {
  const proc = await spawnRadflow(env, ports);
  await waitForHealth(proc.httpPort, proc.child, proc.output);
  return proc;
}

export interface SpawnedRadflow extends RadflowProcess {
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts the built all-in-one process without waiting for anything (start-up failure cases). */
export async function spawnRadflow(env: Record<string, string>, ports?: { hl7Port?: number; httpPort?: number; dicomPort?: number }): Promise<SpawnedRadflow> {
  const hl7Port = ports?.hl7Port ?? (await freePort());
  const httpPort = ports?.httpPort ?? (await freePort());
  const dicomPort = ports?.dicomPort ?? (await freePort());
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HL7_PORT: String(hl7Port), HTTP_PORT: String(httpPort), DICOM_PORT: String(dicomPort), RADFLOW_DEMO_DATA: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    hl7Port, httpPort, dicomPort, child, exited,
    output: () => out,
    stop: async () => (child.kill('SIGTERM'), exited),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function waitForHealth(port: number, child: ChildProcess, output: () => string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`radflow exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`radflow not healthy after ${timeoutMs} ms:\n${output()}`);
}
