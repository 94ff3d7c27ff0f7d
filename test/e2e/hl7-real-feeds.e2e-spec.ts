import * as iconv from 'iconv-lite';
import { Client } from 'pg';
import { adt, nextControlId, omiO23, ormO01 } from '@radflow/testing';
import { mllpSend, parseAck, sendRaw } from '../support/hl7-peers';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * What real feeds send, through the built process over MLLP with the default profile (every
 * leniency rule lenient, original-mode ACKs): python3-hl7's mllp_send plays the RIS for a run of
 * quirky messages on one connection, a raw socket for a Latin-1 feed. Synthetic fixtures only.
 */
describe('real HL7 feeds over MLLP (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Client;
  let seq = 0;
  const uid = () => `2.25.${Date.now()}${++seq}${Math.floor(Math.random() * 1e6)}`;
  const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;
  const lines = (s: string) => s.split(/\r\n|\r|\n/).filter(Boolean);

  beforeAll(async () => {
    db = await createScratchDatabase();
    radflow = await startRadflow({ DATABASE_URL: db.url, HL7_DEFAULT_CHARSET: '8859/1', HL7_STATION_AE_BY_MODALITY: 'MR=MR_3T', LOG_LEVEL: 'info' });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('accepts a run of real-feed quirks from mllp_send on one connection, each AA with its warnings stored', async () => {
    const ids = Array.from({ length: 6 }, () => nextControlId());
    const acks = await mllpSend(radflow.hl7Port, [
      adt({ event: 'A08', version: '2.2', controlId: ids[0], patientId: 'RF-V22' }),
      omiO23({ version: '2.5.0', controlId: ids[1], accession: 'RFNMR1', modality: 'NMR', stationAe: '', studyInstanceUid: uid(), charset: 'UNICODE UTF-8' }),
      omiO23({ controlId: ids[2], accession: 'RFLONG1', spsId: 'SPS-2026-000000019X', studyInstanceUid: uid(), charset: 'UNICODE UTF-8', mshFields: { 15: 'AL', 16: 'NE' } }),
      ormO01({ controlId: ids[3], accession: '', placerOrderNumber: 'RF-PL-NOACC^RIS', studyInstanceUid: uid(), charset: 'UNICODE UTF-8' }),
      adt({ event: 'A40', version: '2.5.1', controlId: ids[4], patientId: 'RF-SURV', priorPatientId: 'RF-GONE', charset: 'UNICODE UTF-8' }),
      omiO23({ controlId: ids[5], accession: 'RFPRIO1', priority: 'Z', studyInstanceUid: uid(), charset: 'UNICODE UTF-8' }),
    ]);
    expect(acks.map((a) => parseAck(a).code)).toEqual(['AA', 'AA', 'AA', 'AA', 'AA', 'AA']);
    expect(acks.map((a) => parseAck(a).controlId)).toEqual(ids);

    const errs = acks.map((a) => lines(a).filter((l) => l.startsWith('ERR')));
    expect(errs[0]).toEqual([]); // 2.2: nothing to tell, and no severity to tell it with
    expect(errs[1]).toEqual(['ERR||IPC^1^5^1|103^Table value not found^HL70357|W||||modality not a DICOM defined term; mapped by the sender profile alias']);
    expect(errs[2]).toEqual(['ERR||IPC^1^4^1|102^Data type error^HL70357|W||||scheduled procedure step ID (IPC-4) longer than SH (16) allows; kept as sent']);
    expect(errs[3]).toEqual([]); // 2.3.1 ORM: the warning is stored, the ACK has no severity field
    expect(errs[4]).toEqual(['ERR||MRG^1^1^1|204^Unknown key identifier^HL70357|W||||prior patient unknown; surviving patient created or updated']);
    expect(errs[5]).toEqual(['ERR||TQ1^1^9^1|103^Table value not found^HL70357|W||||priority not in HL7 table 0027; left empty']);

    const stored = await q('SELECT control_id, ack_code, jsonb_array_length(warnings) AS n, warnings->0->>\'code\' AS code FROM hl7_messages WHERE control_id = ANY($1) ORDER BY control_id', [ids]);
    expect(stored.map((r) => [r.control_id, r.ack_code, r.n, r.code])).toEqual([
      [ids[0], 'AA', 0, null],
      [ids[1], 'AA', 1, '103'],
      [ids[2], 'AA', 1, '102'],
      [ids[3], 'AA', 1, '101'],
      [ids[4], 'AA', 1, '204'],
      [ids[5], 'AA', 1, '103'],
    ]);

    const steps = await q(
      `SELECT o.accession_number, o.placer_order_number, o.priority, s.sps_id, s.modality, s.station_ae_titles
         FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref
        WHERE o.accession_number = ANY($1) OR o.placer_order_number = 'RF-PL-NOACC' ORDER BY o.placer_order_number, o.accession_number`,
      [['RFNMR1', 'RFLONG1', 'RFPRIO1']],
    );
    expect(steps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accession_number: 'RFNMR1', modality: 'MR', station_ae_titles: ['MR_3T'] }),
        expect.objectContaining({ accession_number: 'RFLONG1', sps_id: 'SPS-2026-000000019X' }),
        expect.objectContaining({ accession_number: null, placer_order_number: 'RF-PL-NOACC' }),
        expect.objectContaining({ accession_number: 'RFPRIO1', priority: null }),
      ]),
    );
    expect(await q("SELECT patient_id FROM patients WHERE patient_id IN ('RF-V22', 'RF-SURV', 'RF-GONE') ORDER BY patient_id")).toEqual([{ patient_id: 'RF-SURV' }, { patient_id: 'RF-V22' }]);

    const ackLines = radflow.output().split('\n').filter((l) => l.includes('"hl7.ack"')).map((l) => JSON.parse(l) as { controlId?: string; warnings?: number });
    expect(ackLines.find((l) => l.controlId === ids[2])?.warnings).toBe(1);
  });

  it('reads an ISO-style MSH-7 on a Latin-1 feed without MSH-18 as the timestamp it is', async () => {
    const controlId = nextControlId();
    const text = ormO01({ controlId, accession: 'RFISO1', start: '', name: 'MÜLLER^JOSÉ', patientId: 'RF-ISO', charset: '', messageTime: '2017-04-25 07:31:13.123456', studyInstanceUid: uid() });
    const ack = parseAck(await sendRaw(radflow.hl7Port, iconv.encode(text, 'latin1')));
    expect(ack.code).toBe('AA');
    expect(await q("SELECT name FROM patients WHERE patient_id = 'RF-ISO'")).toEqual([{ name: 'MÜLLER^JOSÉ' }]);
    const [step] = await q(
      `SELECT s.start_date, s.start_time FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = 'RFISO1'`,
    );
    expect(step).toEqual({ start_date: '20170425', start_time: '073113.1234' });
    expect((await q('SELECT warnings FROM hl7_messages WHERE control_id = $1', [controlId]))[0].warnings).toEqual([]);
  });
});
