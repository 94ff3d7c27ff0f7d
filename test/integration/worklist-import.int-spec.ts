import { Pool } from 'pg';
import { DicomDataset, getSequence, setString, Tags } from '@radflow/dicom';
import { importWorklistFiles, WorklistFile } from '../../libs/dicom/src/mwl/worklist-import';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { generateWorklist, worklistDataset } from '../support/worklist-files';

/**
 * The import's identity rules against real Postgres, where the e2e test does not reach: a step
 * another source owns, a requested procedure of another study, accession-less files of one
 * patient, and shared rows that no single file may keep rewriting.
 */
const [base, second] = generateWorklist(2);
const file = (name: string, edit: (ds: DicomDataset, step: DicomDataset) => void = () => undefined, it = base): WorklistFile => {
  const ds = worklistDataset(it);
  edit(ds, getSequence(ds, Tags.ScheduledProcedureStepSequence)![0]);
  return { name: `SITE/${name}`, dataset: ds };
};

describe('importWorklistFiles (integration)', () => {
  let db: ScratchDatabase;
  let pool: Pool;
  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

  beforeEach(async () => {
    db = await createScratchDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  it('refuses a file whose keys name a step another source created, and leaves that step alone', async () => {
    await importWorklistFiles(pool, [file('a.wl')]);
    await pool.query(`UPDATE study_transitions SET source_kind = 'hl7', source_ref = '42'`);
    const [r] = await importWorklistFiles(pool, [file('a.wl', (_ds, step) => setString(step, Tags.ScheduledStationAETitle, 'OTHER'))]);
    expect(r).toEqual({ name: 'SITE/a.wl', outcome: 'refused', reason: 'same Accession Number, Requested Procedure ID and SPS ID as an item from hl7' });
    expect((await pool.query('SELECT station_ae_titles FROM scheduled_procedure_steps')).rows).toEqual([{ station_ae_titles: base.stationAes }]);
  });

  it('refuses a file that names its own Study Instance UID under another file\'s requested procedure', async () => {
    const results = await importWorklistFiles(pool, [
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
    const results = await importWorklistFiles(pool, [noAccession('a.wl'), noAccession('b.wl'), noAccession('c.wl', { ...second, rpId: base.rpId })]);
    expect(results.map((r) => r.outcome)).toEqual(['imported', 'imported', 'imported']);
    expect(await count('imaging_orders WHERE accession_number IS NULL')).toBe(2);
    expect(await count('requested_procedures')).toBe(2);
    expect(await count('scheduled_procedure_steps')).toBe(3);
    const again = await importWorklistFiles(pool, [noAccession('a.wl'), noAccession('b.wl'), noAccession('c.wl', { ...second, rpId: base.rpId })]);
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
    expect((await importWorklistFiles(pool, twoFiles('0800'))).map((r) => r.outcome)).toEqual(['imported', 'imported']);
    expect((await importWorklistFiles(pool, twoFiles('0800'))).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect((await importWorklistFiles(pool, twoFiles('0915'))).map((r) => r.outcome)).toEqual(['unchanged', 'updated']);
    expect((await pool.query('SELECT referring_physician FROM imaging_orders')).rows).toEqual([{ referring_physician: 'ONE^DOCTOR' }]);
    expect((await pool.query(`SELECT start_time FROM scheduled_procedure_steps WHERE sps_id = 'SPS-B'`)).rows).toEqual([{ start_time: '0915' }]);
  });

  it('a file alone under its order updates the order too', async () => {
    await importWorklistFiles(pool, [file('a.wl')]);
    const [r] = await importWorklistFiles(pool, [file('a.wl', (ds) => setString(ds, Tags.ReferringPhysicianName, 'NEW^DOCTOR'))]);
    expect(r.outcome).toBe('updated');
    expect((await pool.query('SELECT referring_physician FROM imaging_orders')).rows).toEqual([{ referring_physician: 'NEW^DOCTOR' }]);
  });
});
