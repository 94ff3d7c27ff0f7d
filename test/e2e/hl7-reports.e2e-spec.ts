import { Client } from 'pg';
import { nextControlId, ormO01, oruR01 } from '@radflow/testing';
import { mllpSend, parseAck } from '../support/hl7-peers';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * Reports from a sender we did not write: python3-hl7's mllp_send plays the RIS and the reporting
 * system against the built process on one connection: an order, its completion, a preliminary and
 * a final report (FT with \.br\), and a report for a study nobody ordered. Synthetic patients only.
 */
describe('ORU^R01 reports over MLLP (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Client;

  beforeAll(async () => {
    db = await createScratchDatabase();
    radflow = await startRadflow({ DATABASE_URL: db.url });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('moves the study to preliminary then final, stores both versions, and tells of the unknown study', async () => {
    const studyInstanceUid = `2.25.${Date.now()}${process.pid}`;
    const order = { accession: 'E2ERPT1', fillerOrderNumber: 'E2EFL1^RADFLOW', placerOrderNumber: 'E2EPL1^RIS', studyInstanceUid, patientId: 'E2E-RPT-P1', charset: 'UNICODE UTF-8' };
    const report = { accession: 'E2ERPT1', fillerOrderNumber: 'E2EFL1^RADFLOW', patientId: 'E2E-RPT-P1', charset: 'UNICODE UTF-8', sendingApplication: 'REPORTS' };
    const ids = Array.from({ length: 5 }, () => nextControlId());
    const acks = await mllpSend(radflow.hl7Port, [
      ormO01({ ...order, controlId: ids[0] }),
      ormO01({ ...order, controlId: ids[1], orderControl: 'SC', orderStatus: 'CM' }),
      oruR01({ ...report, controlId: ids[2], status: 'P', lines: ['Preliminary: no acute findings.'] }),
      oruR01({ ...report, controlId: ids[3], status: 'F', formattedText: 'FINDINGS:\\.br\\No acute findings.\\.br\\IMPRESSION: normal.' }),
      oruR01({ ...report, controlId: ids[4], accession: 'E2ENOSUCH', fillerOrderNumber: 'E2ENOFL' }),
    ]);
    expect(acks.map((a) => [parseAck(a).controlId, parseAck(a).code])).toEqual(ids.map((id) => [id, 'AA']));
    expect(acks[4].split(/\r\n|\r|\n/).filter((l) => l.startsWith('ERR'))).toEqual([
      'ERR||OBR^1^3^1|204^Unknown key identifier^HL70357|W||||no study for the report (filler number, accession, study instance UID); nothing changed',
    ]);

    const { rows: [study] } = await sql.query('SELECT id, study_status FROM requested_procedures WHERE study_instance_uid = $1', [studyInstanceUid]);
    expect(study.study_status).toBe('final');
    const { rows: reports } = await sql.query('SELECT version, status, text FROM reports WHERE procedure_ref = $1 ORDER BY version', [study.id]);
    expect(reports).toEqual([
      { version: 1, status: 'preliminary', text: 'Preliminary: no acute findings.' },
      { version: 2, status: 'final', text: 'FINDINGS:\nNo acute findings.\nIMPRESSION: normal.' },
    ]);
    const { rows: history } = await sql.query(
      `SELECT t.to_status, m.control_id FROM study_transitions t JOIN hl7_messages m ON m.id::text = t.source_ref
        WHERE t.procedure_ref = $1 AND t.scope = 'study' ORDER BY t.id`,
      [study.id],
    );
    expect(history.slice(-2)).toEqual([{ to_status: 'preliminary', control_id: ids[2] }, { to_status: 'final', control_id: ids[3] }]);
    expect(Number((await sql.query('SELECT count(*) AS n FROM reports')).rows[0].n)).toBe(2);
  });
});
