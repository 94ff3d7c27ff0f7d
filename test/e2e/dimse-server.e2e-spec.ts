import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDataset,
  DicomDataset,
  DicomServer,
  FindHandler,
  FindRequest,
  getSequence,
  getString,
  setSequence,
  setString,
  Tags,
} from '@radflow/dicom';

/**
 * DCMTK (echoscu, findscu, dump2dcm, dcmdump) against a real DicomServer with an in-memory
 * handler: the peer implementation modalities are most often tested against. Needs `apt-get install dcmtk`.
 */

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, TCP_NODELAY: '1' }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), raw: stdout });
    });
  });
}

/** Names in each answer's charset: synthetic, and each one needs the declared repertoire. */
const NAMES: Record<string, string> = {
  'ISO_IR 100': 'Müller^Zoë',
  'ISO_IR 192': 'Ōtani^Zoë=大谷^翔子',
  '\\ISO 2022 IR 87': 'Otani^Shoko=大谷^翔子',
};

function answer(i: number, charset: string): DicomDataset {
  const sps = createDataset();
  setString(sps, Tags.Modality, 'CT');
  setString(sps, Tags.ScheduledStationAETitle, 'CT01');
  setString(sps, Tags.ScheduledProcedureStepStartDate, '20261123');
  setString(sps, Tags.ScheduledProcedureStepStartTime, '093000');
  setString(sps, Tags.ScheduledProcedureStepID, `SPS${i}`);
  setString(sps, Tags.ScheduledProcedureStepDescription, 'CT chest native');
  const ds = createDataset();
  if (charset) setString(ds, Tags.SpecificCharacterSet, charset);
  setString(ds, Tags.PatientName, NAMES[charset] ?? `Test^Person${i}`);
  setString(ds, Tags.PatientID, `PAT${i}`);
  setString(ds, Tags.AccessionNumber, `ACC${i}`);
  setString(ds, Tags.StudyInstanceUID, `1.2.826.0.1.3680043.10.999.1.${i}`);
  setSequence(ds, Tags.ScheduledProcedureStepSequence, [sps]);
  return ds;
}

function abortedOrTimeout(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

describe('DicomServer with DCMTK peers', () => {
  let server: DicomServer;
  let port: number;
  let workDir: string;
  let answers = 5;
  let waitForCancel = false;
  const requests: FindRequest[] = [];
  const signals: AbortSignal[] = [];

  const handler: FindHandler = {
    async *find(req, signal) {
      requests.push(req);
      signals.push(signal);
      // Answer in the query's set, as charsets.md recommends.
      const charset = getString(req.identifier, Tags.SpecificCharacterSet) ?? '';
      for (let i = 0; i < answers && !signal.aborted; i++) {
        yield { status: 0xff00, identifier: answer(i, charset) };
        if (waitForCancel) await abortedOrTimeout(signal, 5000);
      }
    },
  };

  const findscu = (args: string[], queryFile?: string): Promise<Run> =>
    run('findscu', ['-W', '-aec', 'RADFLOW', '-aet', 'CT01', '-X', '-od', workDir, ...args, '127.0.0.1', String(port), ...(queryFile ? [queryFile] : [])]);
  const extracted = (): string[] => readdirSync(workDir).filter((f) => /^rsp\d+\.dcm$/.test(f)).sort();
  const dump = async (file: string): Promise<string> => (await run('dcmdump', ['+U8', join(workDir, file)])).stdout;

  beforeAll(async () => {
    server = new DicomServer({ aeTitle: 'RADFLOW', findHandler: handler, maxPduLength: 16384 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(() => server.close(1000));
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'dimse-e2e-'));
    answers = 5;
    waitForCancel = false;
    requests.length = 0;
    signals.length = 0;
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('answers echoscu, and rejects a wrong called AE title', async () => {
    expect((await run('echoscu', ['-aec', 'RADFLOW', '127.0.0.1', String(port)])).code).toBe(0);
    const wrong = await run('echoscu', ['-aec', 'WRONG', '127.0.0.1', String(port)]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/Called AE Title Not Recognized/i);
  });

  it('returns all N answers to findscu -W with -k keys', async () => {
    answers = 25;
    const result = await findscu(['-k', 'PatientName=', '-k', 'PatientID=', '-k', '(0040,0100)[0].Modality=CT', '-k', '(0040,0100)[0].ScheduledStationAETitle=CT01']);
    expect(result.code).toBe(0);
    expect(extracted()).toHaveLength(25);
    const item = getSequence(requests[0].identifier, Tags.ScheduledProcedureStepSequence)?.[0];
    expect(item && getString(item, Tags.Modality)).toBe('CT');
    expect(await dump('rsp0025.dcm')).toContain('[PAT24]');
  });

  it.each([
    ['-xi', 'Little Endian Implicit'],
    ['-xe', 'Little Endian Explicit'],
  ])('works with transfer syntax option %s', async (option, used) => {
    const result = await findscu([option, '+sr', '-k', 'PatientName=', '-k', '(0040,0100)[0].Modality=']);
    expect(result.code).toBe(0);
    expect(extracted()).toHaveLength(5);
    expect(result.stdout + result.stderr).toContain(`# Used TransferSyntax: ${used}`);
  });

  it('decodes an ISO_IR 100 query file from dump2dcm and answers in Latin-1 that DCMTK reads', async () => {
    const queryDump = [
      '(0008,0005) CS [ISO_IR 100]',
      '(0010,0010) PN [M\xfc*]',
      '(0010,0020) LO []',
      '(0040,0100) SQ (Sequence with undefined length #=1)',
      '  (fffe,e000) na (Item with undefined length #=2)',
      '    (0008,0060) CS [CT]',
      '    (0040,0002) DA []',
      '  (fffe,e00d) na (ItemDelimitationItem)',
      '(fffe,e0dd) na (SequenceDelimitationItem)',
    ].join('\n');
    writeFileSync(join(workDir, 'query.dump'), queryDump, 'latin1');
    expect((await run('dump2dcm', [join(workDir, 'query.dump'), join(workDir, 'query.dcm')])).code).toBe(0);
    expect((await findscu([], join(workDir, 'query.dcm'))).code).toBe(0);
    expect(getString(requests[0].identifier, Tags.PatientName)).toBe('Mü*');
    // As received: declared ISO_IR 100 and Latin-1 bytes (0xFC, 0xEB), not UTF-8.
    const raw = (await run('dcmdump', [join(workDir, 'rsp0001.dcm')])).raw;
    expect(raw.includes(Buffer.from('[ISO_IR 100]'))).toBe(true);
    expect(raw.includes(Buffer.from('[Müller^Zoë]', 'latin1'))).toBe(true);
    // And DCMTK's own conversion agrees on the characters.
    expect(await dump('rsp0001.dcm')).toContain('[Müller^Zoë]');
  });

  it('answers an ISO_IR 192 query in UTF-8, readable by dcmdump +U8', async () => {
    const result = await findscu(['-k', 'SpecificCharacterSet=ISO_IR 192', '-k', 'PatientName=', '-k', '(0040,0100)[0].Modality=CT']);
    expect(result.code).toBe(0);
    expect(extracted()).toHaveLength(5);
    expect(await dump('rsp0001.dcm')).toContain(`[${NAMES['ISO_IR 192']}]`);
  });

  it('answers a \\ISO 2022 IR 87 query with JIS escapes that DCMTK parses and an ISO-2022-JP decoder reads', async () => {
    // Debian's DCMTK converts charsets through glibc iconv, which lacks DICOM's ISO 2022 IR 87, so
    // DCMTK checks the structure and Node's ICU iso-2022-jp decoder checks the bytes of the name.
    const result = await findscu(['-k', 'SpecificCharacterSet=\\ISO 2022 IR 87', '-k', 'PatientName=']);
    expect(result.code).toBe(0);
    expect(extracted()).toHaveLength(5);
    const raw = (await run('dcmdump', ['+P', 'PatientName', join(workDir, 'rsp0001.dcm')])).raw;
    const value = raw.subarray(raw.indexOf(0x5b) + 1, raw.indexOf(0x5d));
    expect(value.includes(0x1b)).toBe(true);
    expect(new TextDecoder('iso-2022-jp').decode(value)).toBe(NAMES['\\ISO 2022 IR 87']);
  });

  it('stops after one answer on findscu --cancel 1, aborting the handler signal', async () => {
    answers = 50;
    waitForCancel = true;
    const result = await findscu(['--cancel', '1', '-v', '-k', 'PatientName=']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/Received Final Find Response \(Cancel/);
    expect(extracted()).toHaveLength(1);
    expect(signals[0].aborted).toBe(true);
  });
});
