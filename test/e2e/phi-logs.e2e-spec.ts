import { Pool } from 'pg';
import { adt, omiO23 } from '@radflow/testing';
import { findscu } from '../support/dcmtk';
import { installFault } from '../support/fault-trigger';
import { parseAck, sendRaw } from '../support/hl7-peers';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * No patient data in the logs (STYLE: log event names, our ids, counts, field locations), checked
 * on the built process at the most talkative levels an operator would set. One synthetic patient
 * goes through every path that logs: accepted, resent, refused (AE), rejected (AR), failed in the
 * database (AR after retries), updated by ADT, relayed to the worker, and queried over DICOM.
 * The test also requires the lines that would carry the data to be there, so it can fail.
 */

jest.setTimeout(60_000);

const PATIENT = { name: 'PRIVACYTEST^PHILIPPA^QUENTINA', patientId: 'PHI7731X', birthDate: '19610704' };
/** Each value on its own (names in part too): none may appear anywhere in the output. */
const WARNED = { ...PATIENT, patientId: 'PHI7731W', birthDate: '19611340' };
const SECRETS = ['PRIVACYTEST', 'PHILIPPA', 'QUENTINA', PATIENT.patientId, PATIENT.birthDate, '1961-07-04', WARNED.patientId, WARNED.birthDate];

describe.each(['info', 'debug'])('patient data in the logs at LOG_LEVEL=%s', (level) => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Pool;
  const send = async (text: string) => parseAck(await sendRaw(radflow.hl7Port, Buffer.from(text, 'utf8')));
  const lines = () =>
    radflow
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    db = await createScratchDatabase();
    radflow = await startRadflow({ DATABASE_URL: db.url, LOG_LEVEL: level });
    sql = new Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('never names the patient, whatever happens to the message', async () => {
    const accession = `PHI${level.toUpperCase()}1`;
    const order = omiO23({ ...PATIENT, accession, studyInstanceUid: `2.25.7731${level === 'info' ? 1 : 2}` });
    expect((await send(order)).code).toBe('AA');
    expect((await send(order)).code).toBe('AA'); // the resend, answered from the stored ACK
    expect((await send(omiO23({ ...PATIENT, accession: `${accession}X`, orderControl: 'XO', orderStatus: 'SC' }))).code).toBe('AE');
    expect((await send(adt({ ...PATIENT, event: 'A08', version: '3.0' }))).code).toBe('AR');
    // accepted with warnings (a key longer than SH, an aliased modality, a birth date that is not a date)
    expect((await send(omiO23({ ...WARNED, accession: `${accession}W`, spsId: `${accession}-SPS-LONGER-THAN-SH`, modality: 'NMR', studyInstanceUid: `2.25.7731${level === 'info' ? 5 : 6}` }))).code).toBe('AA');
    expect((await send(adt({ ...PATIENT, event: 'A08', name: 'PRIVACYTEST^PHILIPPA^QUENTINA^JR' }))).code).toBe('AA');

    const fault = await installFault(sql, { table: 'scheduled_procedure_steps', sqlstate: '40001', failures: Infinity });
    try {
      expect((await send(omiO23({ ...PATIENT, accession: `${accession}F`, studyInstanceUid: `2.25.7731${level === 'info' ? 3 : 4}` }))).code).toBe('AR');
    } finally {
      await fault.remove();
    }

    const found = await findscu({ port: radflow.dicomPort, calledAe: 'RADFLOW' }, [
      `0010,0010=${PATIENT.name}*`, `0010,0020=${PATIENT.patientId}`, '0010,0030', '0008,0050', '0040,0100[0].0008,0060',
    ]);
    expect(found.dumps.length).toBe(1);
    expect(found.dumps[0]).toContain('PRIVACYTEST'); // the data is there to leak, on the wire where it belongs
    // the relay and the worker have run on the order's events
    await waitFor(async () => (await sql.query('SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL')).rows[0].n === 0);
    if (level === 'debug') await waitFor(async () => lines().some((l) => l.event === 'job.ran'));

    const events = lines().map((l) => l.event);
    // the lines that would carry the data were written: one per message, the failure, the query
    expect(events.filter((e) => e === 'hl7.ack').length).toBeGreaterThanOrEqual(6);
    expect(lines().some((l) => l.event === 'hl7.ack' && Number(l.warnings) >= 3)).toBe(true);
    expect(events).toEqual(expect.arrayContaining(['hl7.ack', 'hl7.failed', 'mwl.query']));
    if (level === 'debug') expect(events).toEqual(expect.arrayContaining(['job.ran', 'outbox.relayed']));

    const output = radflow.output();
    for (const secret of SECRETS) expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
    expect(output).not.toMatch(/PID\||MSH\|/); // nor any raw segment
  });
});

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await predicate()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

