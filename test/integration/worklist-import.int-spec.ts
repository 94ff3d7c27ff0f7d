import { Pool } from 'pg';
import { DicomDataset, getSequence, setString, Tags } from '@radflow/dicom';
import { Hl7InboundOptions, Hl7InboundService } from '@radflow/hl7';
import { PgUnitOfWork } from '@radflow/persistence';
import { importWorklistFiles, WorklistFile } from '../../libs/dicom/src/mwl/worklist-import';
import { capturingLogger } from '../support/capturing-logger';
import { parseAck } from '../support/hl7-peers';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { generateWorklist, orderMessage, worklistDataset } from '../support/worklist-files';

/**
 * The import's identity rules against real Postgres, where the e2e test does not reach: a step
 * another source owns, a requested procedure of another study, accession-less files of one
 * patient, and shared rows that no single file may keep rewriting; and that an imported step is
 * recorded as an HL7-placed one is (history row, outbox row), with its file as the source.
 */
const [base, second] = generateWorklist(2);
const file = (name: string, edit: (ds: DicomDataset, step: DicomDataset) => void = () => undefined, it = base): WorklistFile => {
  const ds = worklistDataset(it);
  edit(ds, getSequence(ds, Tags.ScheduledProcedureStepSequence)![0]);
  return { name: `SITE/${name}`, dataset: ds };
};

const HL7: Hl7InboundOptions = {
  defaultCharset: 'UNICODE UTF-8',
  processingIds: ['P'],
  unhandledAdt: 'accept',
  duplicateIdNewContent: 'process',
  receivingApplication: 'RADFLOW',
  receivingFacility: 'RAD',
  stationAeByModality: {},
  orderPolicy: { newOrderWhenExists: 'reject' },
};

describe('importWorklistFiles (integration)', () => {
  let db: ScratchDatabase;
  let pool: Pool;
  let uow: PgUnitOfWork;
  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);
  const rows = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;
  const ofAccession = `SELECT s.id FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`;
  /** The history rows of the accession's steps, and the outbox rows about them, in the order written. */
  const recordOf = async (accession: string) => ({
    history: await rows(`SELECT scope, from_status, to_status, event, source_kind, source_ref FROM study_transitions WHERE step_ref IN (${ofAccession}) ORDER BY id`, [accession]),
    outbox: await rows(`SELECT topic, payload - 'procedureRef' AS payload FROM outbox WHERE aggregate_id IN (${ofAccession}) ORDER BY id`, [accession]),
  });

  beforeEach(async () => {
    db = await createScratchDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    uow = new PgUnitOfWork(db.url, 2);
  });
  afterEach(async () => {
    await uow.close();
    await pool.end();
    await db.drop();
  });

  it('records an imported step as an HL7-placed one: a step history row, an outbox row, the file as the source', async () => {
    expect((await importWorklistFiles(uow, [file('a.wl')])).map((r) => r.outcome)).toEqual(['imported']);
    const ack = await new Hl7InboundService(uow, HL7, capturingLogger([])).handle(Buffer.from(orderMessage(second)), { peer: '127.0.0.1', connectionId: 'int-import' });
    expect(parseAck(ack).code).toBe('AA');
    const [imported, placed] = [await recordOf(base.accession), await recordOf(second.accession)];
    expect(imported.history).toEqual([{ scope: 'step', from_status: null, to_status: 'SCHEDULED', event: 'order.placed', source_kind: 'import', source_ref: 'SITE/a.wl' }]);
    expect(placed.history).toEqual([{ ...imported.history[0], source_kind: 'hl7', source_ref: expect.any(String) }]);
    expect(imported.outbox).toEqual([{ topic: 'procedure-step.changed', payload: { from: null, to: 'SCHEDULED', event: 'order.placed' } }]);
    expect(placed.outbox).toEqual(imported.outbox);
  });

  it('a re-run writes nothing for an unchanged file; a changed one is recorded as an HL7 update is (outbox row, no state change)', async () => {
    await importWorklistFiles(uow, [file('a.wl')]);
    const before = await recordOf(base.accession);
    expect((await importWorklistFiles(uow, [file('a.wl')])).map((r) => r.outcome)).toEqual(['unchanged']);
    expect(await recordOf(base.accession)).toEqual(before);
    const moved = file('a.wl', (_ds, step) => setString(step, Tags.ScheduledProcedureStepStartTime, '1745'));
    expect((await importWorklistFiles(uow, [moved])).map((r) => r.outcome)).toEqual(['updated']);
    const after = await recordOf(base.accession);
    expect(after.history).toEqual(before.history);
    expect(after.outbox).toEqual([...before.outbox, { topic: 'procedure-step.changed', payload: { event: 'order.placed' } }]);
    expect(await rows('SELECT start_time FROM scheduled_procedure_steps')).toEqual([{ start_time: '1745' }]);
  });

  it('meets the lifecycle as an order does: a step HL7 cancelled since is not changed by its file', async () => {
    const hl7 = new Hl7InboundService(uow, HL7, capturingLogger([]));
    await importWorklistFiles(uow, [file('a.wl')]);
    const ack = await hl7.handle(Buffer.from(orderMessage(base, 'CA')), { peer: '127.0.0.1', connectionId: 'int-import' });
    expect(parseAck(ack).code).toBe('AA');
    expect((await recordOf(base.accession)).history.map((h) => [h.to_status, h.event, h.source_kind])).toEqual([
      ['SCHEDULED', 'order.placed', 'import'],
      ['CANCELED', 'order.cancelled', 'hl7'],
    ]);
    expect((await importWorklistFiles(uow, [file('a.wl')])).map((r) => r.outcome)).toEqual(['unchanged']);
    const [r] = await importWorklistFiles(uow, [file('a.wl', (_ds, step) => setString(step, Tags.ScheduledProcedureStepStartTime, '1745'))]);
    expect(r).toEqual({ name: 'SITE/a.wl', outcome: 'refused', reason: 'procedure step is canceled: order was called off' });
    expect(await rows('SELECT status, start_time FROM scheduled_procedure_steps')).toEqual([{ status: 'CANCELED', start_time: base.time }]);
  });

  it('knows the steps an earlier release imported (history event `import`) as its file\'s', async () => {
    await importWorklistFiles(uow, [file('a.wl')]);
    await pool.query(`UPDATE study_transitions SET event = 'import'`);
    expect((await importWorklistFiles(uow, [file('a.wl')])).map((r) => r.outcome)).toEqual(['unchanged']);
    const [r] = await importWorklistFiles(uow, [file('a.wl', (_ds, step) => setString(step, Tags.ScheduledProcedureStepStartTime, '1745'))]);
    expect(r.outcome).toBe('updated');
  });

  it('refuses a file whose Study Instance UID changed since it was imported', async () => {
    await importWorklistFiles(uow, [file('a.wl')]);
    const [r] = await importWorklistFiles(uow, [file('a.wl', (ds) => setString(ds, Tags.StudyInstanceUID, '2.25.4242'))]);
    expect(r).toEqual({ name: 'SITE/a.wl', outcome: 'refused', reason: 'Study Instance UID differs from the one this file was imported with' });
    expect(await rows('SELECT study_instance_uid FROM requested_procedures')).toEqual([{ study_instance_uid: base.studyUid }]);
  });

  it('leaves the patient row as it is: a file never overwrites it', async () => {
    await importWorklistFiles(uow, [file('a.wl')]);
    await importWorklistFiles(uow, [file('b.wl', (ds, step) => {
      setString(ds, Tags.PatientName, 'RENAMED^BYFILE');
      setString(step, Tags.ScheduledProcedureStepID, 'SPS-B');
    })]);
    expect(await rows('SELECT name FROM patients')).toEqual([{ name: base.name }]);
    expect(await count('scheduled_procedure_steps')).toBe(2);
  });

  it('refuses a file whose accession belongs to another patient, writing nothing for it and keeping the files around it', async () => {
    const results = await importWorklistFiles(uow, [file('a.wl'), file('b.wl', (ds) => setString(ds, Tags.PatientID, 'P-OTHER')), file('c.wl', undefined, second)]);
    expect(results).toEqual([
      { name: 'SITE/a.wl', outcome: 'imported' },
      { name: 'SITE/b.wl', outcome: 'refused', reason: 'Accession Number already belongs to another patient' },
      { name: 'SITE/c.wl', outcome: 'imported' },
    ]);
    expect(await rows('SELECT patient_id FROM patients ORDER BY patient_id')).toEqual([{ patient_id: base.patientId }, { patient_id: second.patientId }]);
    expect(await count('scheduled_procedure_steps')).toBe(2);
  });

  it('refuses a file whose keys name a step another source created, and leaves that step alone', async () => {
    await importWorklistFiles(uow, [file('a.wl')]);
    await pool.query(`UPDATE study_transitions SET source_kind = 'hl7', source_ref = '42'`);
    const [r] = await importWorklistFiles(uow, [file('a.wl', (_ds, step) => setString(step, Tags.ScheduledStationAETitle, 'OTHER'))]);
    expect(r).toEqual({ name: 'SITE/a.wl', outcome: 'refused', reason: 'same Accession Number, Requested Procedure ID and SPS ID as an item from hl7' });
    expect((await pool.query('SELECT station_ae_titles FROM scheduled_procedure_steps')).rows).toEqual([{ station_ae_titles: base.stationAes }]);
  });

  it('refuses a file that names its own Study Instance UID under another file\'s requested procedure', async () => {
    const results = await importWorklistFiles(uow, [
      file('a.wl'),
      file('b.wl', (ds, step) => {
        setString(ds, Tags.StudyInstanceUID, '2.25.99');
        setString(step, Tags.ScheduledProcedureStepID, 'SPS-B');
      }),
    ]);
    expect(results.map((r) => [r.outcome, r.reason])).toEqual([
      ['imported', undefined],
      ['refused', 'same Accession Number and Requested Procedure ID as another item, with another Study Instance UID'],
    ]);
  });

  it('files without accession: one order per patient and Requested Procedure ID, one step per file', async () => {
    const noAccession = (name: string, it = base): WorklistFile =>
      file(name, (ds, step) => {
        ds.delete(Tags.AccessionNumber);
        ds.delete(Tags.StudyInstanceUID);
        step.delete(Tags.ScheduledProcedureStepID);
      }, it);
    const results = await importWorklistFiles(uow, [noAccession('a.wl'), noAccession('b.wl'), noAccession('c.wl', { ...second, rpId: base.rpId })]);
    expect(results.map((r) => r.outcome)).toEqual(['imported', 'imported', 'imported']);
    expect(await count('imaging_orders WHERE accession_number IS NULL')).toBe(2);
    expect(await count('requested_procedures')).toBe(2);
    expect(await count('scheduled_procedure_steps')).toBe(3);
    const again = await importWorklistFiles(uow, [noAccession('a.wl'), noAccession('b.wl'), noAccession('c.wl', { ...second, rpId: base.rpId })]);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('an order two files share is not rewritten by either, so re-runs stay unchanged; its own steps still update', async () => {
    const twoFiles = (time: string): WorklistFile[] => [
      file('a.wl', (ds) => setString(ds, Tags.ReferringPhysicianName, 'ONE^DOCTOR')),
      file('b.wl', (ds, step) => {
        setString(ds, Tags.ReferringPhysicianName, 'OTHER^DOCTOR');
        setString(step, Tags.ScheduledProcedureStepID, 'SPS-B');
        setString(step, Tags.ScheduledProcedureStepStartTime, time);
      }),
    ];
    expect((await importWorklistFiles(uow, twoFiles('0800'))).map((r) => r.outcome)).toEqual(['imported', 'imported']);
    expect((await importWorklistFiles(uow, twoFiles('0800'))).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect((await importWorklistFiles(uow, twoFiles('0915'))).map((r) => r.outcome)).toEqual(['unchanged', 'updated']);
    expect((await pool.query('SELECT referring_physician FROM imaging_orders')).rows).toEqual([{ referring_physician: 'ONE^DOCTOR' }]);
    expect((await pool.query(`SELECT start_time FROM scheduled_procedure_steps WHERE sps_id = 'SPS-B'`)).rows).toEqual([{ start_time: '0915' }]);
  });

  it('a file alone under its order updates the order too', async () => {
    await importWorklistFiles(uow, [file('a.wl')]);
    const [r] = await importWorklistFiles(uow, [file('a.wl', (ds) => setString(ds, Tags.ReferringPhysicianName, 'NEW^DOCTOR'))]);
    expect(r.outcome).toBe('updated');
    expect((await pool.query('SELECT referring_physician FROM imaging_orders')).rows).toEqual([{ referring_physician: 'NEW^DOCTOR' }]);
  });
});
