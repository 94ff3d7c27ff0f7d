import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { Answer, findscu, parseDump, run, Run } from '../support/dcmtk';
import { RadflowProcess, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { DumpItem, DumpLine, dumpWorklistFile } from '../support/worklist-files';

/**
 * `import-worklist` on a folder as a wlmscpfs site has it, files written by DCMTK dump2dcm: every
 * entry is counted and each refused or skipped one listed with its reason, each file becomes an
 * item of its own (served to findscu by the running process), and a re-run changes nothing but
 * what a file changed. Each imported step is placed as an HL7 order is: a history row (event
 * `order.placed`, source the file) and an outbox row.
 */
const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');
const AE = 'RADFLOW';
const STUDY = '2.25.700000000000000000000000000000001';

const patient = (id: string, name: string): DumpLine[] => [
  ['0008,0005', 'CS', 'ISO_IR 100'],
  ['0010,0010', 'PN', name],
  ['0010,0020', 'LO', id],
  ['0010,0030', 'DA', '19700101'],
  ['0010,0040', 'CS', 'F'],
];
const step = (station: string, modality: string, time = '090000', extra: DumpLine[] = []): DumpLine[] => [
  ['0008,0060', 'CS', modality],
  ['0040,0001', 'AE', station],
  ['0040,0002', 'DA', '20261215'],
  ['0040,0003', 'TM', time],
  ['0040,0007', 'LO', 'SYNTHETIC STEP'],
  ...extra,
];
/** Same accession and study, no RP ID, no SPS ID: only the station tells them apart. */
const sharedStudy = (station: string): DumpItem => ({
  top: [...patient('PX0001', 'TESTPERSON^ALPHA'), ['0008,0050', 'SH', 'ACCX1'], ['0020,000d', 'UI', STUDY]],
  steps: [step(station, 'CT')],
});
/** Every key given by the file. */
const complete = (time: string, station = 'US01'): DumpItem => ({
  top: [...patient('PX0003', 'TESTPERSON^GAMMA'), ['0008,0050', 'SH', 'ACCX3'], ['0020,000d', 'UI', '2.25.700000000000000000000000000000003'], ['0040,1001', 'SH', 'RPX3']],
  steps: [step(station, 'US', time, [['0040,0009', 'SH', 'SPSX3']])],
});

const RETURN_KEYS = [
  'AccessionNumber', 'PatientID', 'StudyInstanceUID', 'RequestedProcedureID',
  ...['Modality', 'ScheduledStationAETitle', 'ScheduledProcedureStepID', 'ScheduledProcedureStepStartTime'].map((k) => `(0040,0100)[0].${k}`),
];
const SPS = '0040,0100[0]';

describe('import-worklist: every file counted, each file one item (e2e)', () => {
  let work: string;
  let folder: string;
  let db: ScratchDatabase;
  let radflow: RadflowProcess | undefined;
  let sql: Pool;
  const importFolder = (): Promise<Run> => run(process.execPath, [CLI, 'import-worklist', folder], 60000, { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
  /** Per step (by its file), its history rows and the outbox rows about it. */
  const records = async () => {
    const history = await sql.query(
      `SELECT scope, from_status, to_status, event, source_kind, source_ref FROM study_transitions WHERE step_ref IS NOT NULL ORDER BY source_ref, id`,
    );
    const outbox = await sql.query(
      `SELECT t.source_ref AS file, o.topic, o.payload->>'event' AS event, o.payload->>'to' AS "to"
         FROM outbox o JOIN study_transitions t ON t.step_ref = o.aggregate_id AND t.from_status IS NULL ORDER BY t.source_ref, o.id`,
    );
    return { history: history.rows, outbox: outbox.rows };
  };
  const placedFrom = (file: string) => ({ scope: 'step', from_status: null, to_status: 'SCHEDULED', event: 'order.placed', source_kind: 'import', source_ref: `${AE}/${file}` });
  const IMPORTED = ['a1.wl', 'a2.wl', 'b-no-accession.wl', 'c-complete.wl'];
  const items = async (): Promise<Answer[]> => {
    const r = await findscu({ port: radflow!.dicomPort, calledAe: AE }, RETURN_KEYS);
    expect(r.run.code).toBe(0);
    return r.dumps.map(parseDump).sort((a, b) => (a.get(`${SPS}/0040,0001`) ?? '').localeCompare(b.get(`${SPS}/0040,0001`) ?? ''));
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wl-import-'));
    folder = join(work, AE);
    mkdirSync(folder);
    await dumpWorklistFile(folder, 'a1.wl', sharedStudy('CT01'));
    await dumpWorklistFile(folder, 'a2.wl', sharedStudy('CT02'));
    // Accession Number zero-length (Type 2), no RP ID, no SPS ID, no Study Instance UID
    await dumpWorklistFile(folder, 'b-no-accession.wl', { top: [...patient('PX0002', 'TESTPERSON^BETA'), ['0008,0050', 'SH']], steps: [step('MR01', 'MR')] });
    await dumpWorklistFile(folder, 'c-complete.wl', complete('100000'));
    // another file with c's Accession, RP ID and SPS ID: not merged into c, refused naming c
    await dumpWorklistFile(folder, 'd-same-keys-as-c.wl', complete('100000', 'US02'));
    const whole = readFileSync(join(folder, 'c-complete.wl'));
    writeFileSync(join(folder, 'x-broken.wl'), whole.subarray(0, whole.length - 20));
    await dumpWorklistFile(folder, 'x-no-patient-id.wl', { top: [['0008,0050', 'SH', 'ACCX9'], ['0010,0010', 'PN', 'TESTPERSON^DELTA']], steps: [step('CT01', 'CT')] });
    writeFileSync(join(folder, 'lockfile'), '');
    writeFileSync(join(folder, 'notes.txt'), 'not a worklist file\n');
    mkdirSync(join(folder, 'old'));
    copyFileSync(join(folder, 'a1.wl'), join(folder, 'old', 'a1.wl'));
    db = await createScratchDatabase();
    sql = new Pool({ connectionString: db.url, max: 1 });
  }, 60000);

  afterAll(async () => {
    await radflow?.stop();
    await sql?.end();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('imports what it can, lists what it skipped or refused with a reason, and exits 3 for the refusals', async () => {
    const r = await importFolder();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, -1).sort()).toEqual([
      `${AE}/d-same-keys-as-c.wl: refused (same Accession Number, Requested Procedure ID and SPS ID as file ${AE}/c-complete.wl)`,
      `${AE}/lockfile: skipped (not a .wl file)`,
      `${AE}/notes.txt: skipped (not a .wl file)`,
      `${AE}/old: skipped (a folder, not read)`,
      expect.stringMatching(new RegExp(`^${AE}/x-broken\\.wl: refused \\(unreadable: truncated dataset: .+\\)$`)),
      `${AE}/x-no-patient-id.wl: refused (no Patient ID (0010,0020))`,
    ]);
    expect(lines[lines.length - 1]).toBe('10 entries: 4 imported, 0 updated, 0 unchanged, 3 skipped, 3 refused');
    // PHI-free: file names and reasons, never a patient value
    expect(r.stdout).not.toMatch(/TESTPERSON|PX000|ACCX/);
    // placed as an HL7 order is: one step history row each, and one outbox row announcing it
    const { history, outbox } = await records();
    expect(history).toEqual(IMPORTED.map(placedFrom));
    expect(outbox).toEqual(IMPORTED.map((file) => ({ file: `${AE}/${file}`, topic: 'procedure-step.changed', event: 'order.placed', to: 'SCHEDULED' })));
  });

  it('serves each file as its own item: two files of one accession and study differ by station and SPS ID', async () => {
    radflow = await startRadflow({ DATABASE_URL: db.url, DICOM_AE_TITLE: AE });
    const answers = await items();
    expect(answers.map((a) => a.get(`${SPS}/0040,0001`))).toEqual(['CT01', 'CT02', 'MR01', 'US01']);
    const [ct1, ct2, mr, us] = answers;
    for (const shared of ['0008,0050', '0020,000d', '0040,1001']) expect(ct1.get(shared)).toBe(ct2.get(shared));
    expect(ct1.get('0008,0050')).toBe('ACCX1');
    expect(ct1.get('0040,1001')).toMatch(/^RP[0-9A-Z]{14}$/);
    expect([ct1, ct2].map((a) => a.get(`${SPS}/0040,0009`))).toEqual([expect.stringMatching(/^SPS[0-9A-Z]{13}$/), expect.stringMatching(/^SPS[0-9A-Z]{13}$/)]);
    expect(ct1.get(`${SPS}/0040,0009`)).not.toBe(ct2.get(`${SPS}/0040,0009`));
    // no accession: answered zero-length, generated ids, a UID of its own
    expect(mr.get('0008,0050') ?? '').toBe('');
    expect(mr.get('0010,0020')).toBe('PX0002');
    expect(mr.get('0040,1001')).toMatch(/^RP[0-9A-Z]{14}$/);
    expect(mr.get(`${SPS}/0040,0009`)).toMatch(/^SPS[0-9A-Z]{13}$/);
    expect(mr.get('0020,000d')).toMatch(/^2\.25\.\d+$/);
    // the file's own ids are kept
    expect([us.get('0040,1001'), us.get(`${SPS}/0040,0009`), us.get(`${SPS}/0040,0003`)]).toEqual(['RPX3', 'SPSX3', '100000']);
  });

  it('re-running the folder imports nothing again and finds the same items', async () => {
    const before = await items();
    const written = await records();
    const r = await importFolder();
    expect(r.code).toBe(3);
    expect(r.stdout.trim().split('\n').pop()).toBe('10 entries: 0 imported, 0 updated, 4 unchanged, 3 skipped, 3 refused');
    expect(await items()).toEqual(before);
    // nothing to record: no history row, no outbox row
    expect(await records()).toEqual(written);
  });

  it('a file changed since brings its item up to date, once', async () => {
    await dumpWorklistFile(folder, 'c-complete.wl', complete('143000'));
    const written = await records();
    const first = await importFolder();
    expect(first.stdout.trim().split('\n').pop()).toBe('10 entries: 0 imported, 1 updated, 3 unchanged, 3 skipped, 3 refused');
    const us = (await items()).find((a) => a.get(`${SPS}/0040,0001`) === 'US01');
    expect(us?.get(`${SPS}/0040,0003`)).toBe('143000');
    // a change of a scheduled step, as an HL7 order update: announced, no state change to record
    const changed = await records();
    expect(changed.history).toEqual(written.history);
    expect(changed.outbox.filter((o) => o.file === `${AE}/c-complete.wl`)).toEqual([
      { file: `${AE}/c-complete.wl`, topic: 'procedure-step.changed', event: 'order.placed', to: 'SCHEDULED' },
      { file: `${AE}/c-complete.wl`, topic: 'procedure-step.changed', event: 'order.placed', to: null },
    ]);
    const again = await importFolder();
    expect(again.stdout.trim().split('\n').pop()).toBe('10 entries: 0 imported, 0 updated, 4 unchanged, 3 skipped, 3 refused');
  });

  it('exits 0 once nothing is refused', async () => {
    for (const name of ['d-same-keys-as-c.wl', 'x-broken.wl', 'x-no-patient-id.wl']) rmSync(join(folder, name));
    const r = await importFolder();
    expect(r.stdout.trim()).toBe(
      [`${AE}/lockfile: skipped (not a .wl file)`, `${AE}/notes.txt: skipped (not a .wl file)`, `${AE}/old: skipped (a folder, not read)`, '7 entries: 0 imported, 0 updated, 4 unchanged, 3 skipped, 0 refused'].join('\n'),
    );
    expect(r.code).toBe(0);
  });
});
