import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './dcmtk';
import { freePort } from './free-port';

/**
 * Orthanc with its ModalityWorklists sample plugin as a second reference worklist SCP, serving
 * `*.wl` files from one folder. A private instance: its own configuration, storage and port in a
 * temporary folder, HTTP off. Needs `apt-get install orthanc` (the packaged service is not used).
 */
export interface Orthanc {
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Where Debian's package puts the plugin, and the server (in sbin, often not on a user's PATH). */
const WORKLIST_PLUGIN = '/usr/share/orthanc/plugins/libModalityWorklists.so';
const ORTHANC = existsSync('/usr/sbin/Orthanc') ? '/usr/sbin/Orthanc' : 'Orthanc';

export async function startOrthanc(worklistDir: string, aeTitle: string): Promise<Orthanc> {
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'orthanc-'));
  mkdirSync(join(home, 'storage'));
  const config = {
    Name: 'MWL-DIFF',
    StorageDirectory: join(home, 'storage'),
    IndexDirectory: join(home, 'storage'),
    Plugins: [WORKLIST_PLUGIN],
    HttpServerEnabled: false,
    DicomServerEnabled: true,
    DicomAet: aeTitle,
    DicomPort: port,
    DicomCheckCalledAet: false,
    DicomCheckModalityHost: false,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowFind: true,
    // Without it Orthanc refuses worklist C-FINDs from AEs not listed in DicomModalities.
    DicomAlwaysAllowFindWorklist: true,
    DefaultEncoding: 'Utf8',
    Worklists: { Enable: true, Database: worklistDir, FilterIssuerAet: false, LimitAnswers: 0 },
  };
  const file = join(home, 'orthanc.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(ORTHANC, [file], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let failed: Error | undefined;
  const exited = new Promise<void>((r) => {
    child.once('exit', () => r());
    child.once('error', (err) => ((failed = err), r()));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && !failed) child.kill('SIGTERM');
    await exited;
    rmSync(home, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (failed || child.exitCode !== null) {
      rmSync(home, { recursive: true, force: true });
      throw new Error(failed ? `Orthanc could not be started (apt-get install orthanc): ${failed.message}` : `Orthanc exited: ${out}`);
    }
    if ((await run('echoscu', ['-aec', aeTitle, '127.0.0.1', String(port)])).code === 0) return { port, child, output: () => out, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await stop();
  throw new Error(`Orthanc did not answer C-ECHO: ${out}`);
}
