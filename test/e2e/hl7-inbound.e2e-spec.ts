import { Client } from 'pg';
import * as iconv from 'iconv-lite';
import { adt, omiO23, ormO01, nextControlId } from '@radflow/testing';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { parseHl7 } from '@radflow/hl7';
import { mllpSend, parseAck, sendRaw } from '../support/hl7-peers';
import { MllpTestClient } from '../support/mllp-test-client';

// The whole inbound path of the built process: python3-hl7's mllp_send and raw sockets as the
// RIS, real Postgres behind. One fixture per real-world quirk; synthetic patients only.
describe('HL7 inbound over MLLP (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Client;
  let seq = 0;
  const uid = () => `2.25.${Date.now()}${++seq}${Math.floor(Math.random() * 1e9)}`;
  const acc = () => `E2E${Date.now().toString(36).slice(-6)}${++seq}`.toUpperCase().slice(0, 16);
  const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;
  // every order gets its own Study Instance UID unless a test says otherwise
  const omi = (o: Parameters<typeof omiO23>[0] = {}) => omiO23({ studyInstanceUid: uid(), ...o });
  const send = async (bytes: Buffer | string) => parseAck(await sendRaw(radflow.hl7Port, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8')));

  beforeAll(async () => {
    db = await createScratchDatabase();
    // info, the default level: the per-message lines are written, so the PHI check below can fail
    radflow = await startRadflow({ DATABASE_URL: db.url, HL7_STATION_AE_BY_MODALITY: 'MR=MR_3T', LOG_LEVEL: 'info' });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('applies OMI^O23 and ORM^O01 orders sent by mllp_send, one step per IPC/OBR', async () => {
    const [a1, a2] = [acc(), acc()];
    const acks = await mllpSend(radflow.hl7Port, [
      omi({ accession: a1, patientId: 'P-OMI-1', name: 'DOE^JANE^Q', ipcs: [{ spsId: `${a1}S1` }, { spsId: `${a1}S2`, modality: 'MR', stationAe: 'MR01' }] }),
      ormO01({ accession: a2, patientId: 'P-ORM-1', modality: 'MR', priority: 'S', studyInstanceUid: '1.2.826.0.1.3680043.10.99.1', charset: '' }),
    ]);
    expect(acks.map((a) => parseAck(a).code)).toEqual(['AA', 'AA']);
    const steps = await q(
      `SELECT o.accession_number, o.priority, s.sps_id, s.modality, s.station_ae_titles, r.study_instance_uid, p.name
         FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref JOIN patients p ON p.id = s.patient_ref
        WHERE o.accession_number = ANY($1) ORDER BY s.sps_id`, [[a1, a2]]);
    expect(steps).toHaveLength(3);
    expect(steps.filter((s) => s.accession_number === a1).map((s) => s.modality)).toEqual(['CT', 'MR']);
    const orm = steps.find((s) => s.accession_number === a2)!;
    expect(orm).toMatchObject({ priority: 'STAT', station_ae_titles: ['MR_3T'], study_instance_uid: '1.2.826.0.1.3680043.10.99.1' });
    expect(steps[0].name).toBe('DOE^JANE^Q');
  });

  it.each([
    ['CR segment ends', '\r'],
    ['LF-only segment ends', '\n'],
    ['CRLF segment ends', '\r\n'],
  ])('accepts %s and a missing final terminator', async (_, eol) => {
    const a = acc();
    const text = omi({ accession: a }).replace(/\r$/, '').replace(/\r/g, eol);
    expect((await send(text)).code).toBe('AA');
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [a])).toHaveLength(1);
  });

  it.each([
    ['Latin-1 bytes labelled 8859/1', '8859/1', 'latin1', false],
    ['Latin-1 bytes with no label', '', 'latin1', false],
    ['UTF-8 bytes labelled 8859/1', '8859/1', 'utf8', false],
    ['UTF-8 with a byte order mark', 'UNICODE UTF-8', 'utf8', true],
  ] as const)('decodes %s', async (_, label, encoding, bom) => {
    const a = acc();
    const pid = `P-CS-${a}`;
    const text = omi({ accession: a, patientId: pid, name: 'MÜLLER-LÜDENSCHEIDT^ZOË', charset: label });
    const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), iconv.encode(text, encoding === 'latin1' ? 'latin1' : 'utf8')]);
    expect((await send(bytes)).code).toBe('AA');
    const [p] = await q('SELECT name FROM patients WHERE patient_id = $1', [pid]);
    expect(p.name).toBe('MÜLLER-LÜDENSCHEIDT^ZOË');
    const [m] = await q(`SELECT raw FROM hl7_messages WHERE raw = $1`, [bytes]);
    expect(Buffer.compare(m.raw, bytes)).toBe(0); // stored exactly as received
  });

  it('unescapes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ and hex escapes in names and texts', async () => {
    const a = acc();
    const pid = `P-ESC-${a}`;
    expect((await send(omi({ accession: a, patientId: pid, name: "O\\X27\\BRIEN\\T\\SONS^ANN", procedure: 'CT1^Head \\T\\ neck \\F\\ spine^L' }))).code).toBe('AA');
    const [p] = await q('SELECT name FROM patients WHERE patient_id = $1', [pid]);
    expect(p.name).toBe("O'BRIEN&SONS^ANN");
  });

  it('tolerates Z-segments, NTE and EVN where they are not expected', async () => {
    const a = acc();
    const text = omi({ accession: a, extraSegments: ['ZXY|1|local stuff', 'NTE|1||late note'] }).replace('\rPID|', '\rEVN||20261123\rPID|');
    expect((await send(text)).code).toBe('AA');
  });

  it('answers AR with an ERR location for what cannot be taken', async () => {
    const noControlId = await send(omi({ accession: acc(), mshFields: { 10: '' } }));
    expect(noControlId).toMatchObject({ code: 'AR' });
    expect(noControlId.err).toContain('MSH^1^10');
    const unknownType = await send(omi({ accession: acc() }).replace('OMI^O23^OMI_O23', 'SIU^S12^SIU_S12'));
    expect(unknownType.code).toBe('AR');
    expect(unknownType.err).toContain('200');
    const v30 = await send(adt({ event: 'A08', version: '3.0' }));
    expect(v30.code).toBe('AR');
    expect(v30.err).toContain('203');
    const v22 = await send(adt({ event: 'A08', version: '2.2', patientId: 'P-V22' }));
    expect(v22.code).toBe('AA');
    const notHl7 = await send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(notHl7.code).toBe('AR');
    const v27 = await send(adt({ event: 'A08', version: '2.7', patientId: 'P-V27' }));
    expect(v27.code).toBe('AA');
  });

  it('answers AE and changes nothing for a change or cancel of an unknown order', async () => {
    const a = acc();
    for (const control of ['XO', 'CA', 'DC']) {
      const ack = await send(omi({ accession: a, orderControl: control, orderStatus: control === 'XO' ? 'SC' : 'CA' }));
      expect(ack.code).toBe('AE');
      expect(ack.err).toContain('204');
    }
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [a])).toHaveLength(0);
  });

  it('refuses a second NW for an existing order with AE 205', async () => {
    const a = acc();
    expect((await send(omi({ accession: a }))).code).toBe('AA');
    const again = await send(omi({ accession: a, start: '20261201080000' }));
    expect(again.code).toBe('AE');
    expect(again.err).toContain('205');
    const [s] = await q(`SELECT s.start_date FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [a]);
    expect(s.start_date).toBe('20261124');
  });

  it('changes, holds, releases and discontinues through the order control table, with history', async () => {
    const a = acc();
    const base = { accession: a, studyInstanceUid: uid(), requestedProcedureId: `${a}R`.slice(0, 16), spsId: `${a}S`.slice(0, 16) };
    expect((await send(omiO23(base))).code).toBe('AA');
    expect((await send(omiO23({ ...base, orderControl: 'XO', orderStatus: 'SC', start: '20261125110000' }))).code).toBe('AA');
    expect((await send(omiO23({ ...base, orderControl: 'HD', orderStatus: 'HD' }))).code).toBe('AA');
    const stepOf = async () => (await q(`SELECT s.* FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [a]))[0];
    expect(await stepOf()).toMatchObject({ start_date: '20261125', start_time: '110000', held: true, status: 'SCHEDULED' });
    expect((await send(omiO23({ ...base, orderControl: 'RL', orderStatus: 'SC' }))).code).toBe('AA');
    expect((await send(omiO23({ ...base, orderControl: 'DC', orderStatus: 'DC' }))).code).toBe('AA');
    const step = await stepOf();
    expect(step).toMatchObject({ held: false, status: 'DISCONTINUED' });
    const history = await q('SELECT from_status, to_status, event, source_kind FROM study_transitions WHERE step_ref = $1 ORDER BY id', [step.id]);
    expect(history).toEqual([
      { from_status: null, to_status: 'SCHEDULED', event: 'order.placed', source_kind: 'hl7' },
      { from_status: 'SCHEDULED', to_status: 'SCHEDULED', event: 'order.held', source_kind: 'hl7' },
      { from_status: 'SCHEDULED', to_status: 'SCHEDULED', event: 'order.released', source_kind: 'hl7' },
      { from_status: 'SCHEDULED', to_status: 'DISCONTINUED', event: 'order.discontinued', source_kind: 'hl7' },
    ]);
  });

  it('answers a resent message with the stored ACK, byte for byte, and applies it once', async () => {
    const a = acc();
    const text = omi({ accession: a, controlId: nextControlId() });
    const first = await sendRaw(radflow.hl7Port, Buffer.from(text));
    const again = await sendRaw(radflow.hl7Port, Buffer.from(text));
    expect(Buffer.compare(first, again)).toBe(0);
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [a])).toHaveLength(1);
    expect(await q(`SELECT 1 FROM hl7_messages WHERE raw = $1`, [Buffer.from(text)])).toHaveLength(1);
  });

  it('merges a patient (A40): orders and steps move to the survivor', async () => {
    const a = acc();
    expect((await send(omi({ accession: a, patientId: `OLD-${a}` }))).code).toBe('AA');
    expect((await send(adt({ event: 'A40', patientId: `NEW-${a}`, priorPatientId: `OLD-${a}` }))).code).toBe('AA');
    const [row] = await q(`SELECT p.patient_id FROM imaging_orders o JOIN patients p ON p.id = o.patient_ref WHERE o.accession_number = $1`, [a]);
    expect(row.patient_id).toBe(`NEW-${a}`);
    const [old] = await q('SELECT merged_into FROM patients WHERE patient_id = $1', [`OLD-${a}`]);
    expect(old.merged_into).not.toBeNull();
  });

  it('changes an identifier everywhere (A47) and never creates worklist items from ADT', async () => {
    const a = acc();
    expect((await send(omi({ accession: a, patientId: `ID1-${a}` }))).code).toBe('AA');
    expect((await send(adt({ event: 'A47', patientId: `ID2-${a}`, priorPatientId: `ID1-${a}` }))).code).toBe('AA');
    const [row] = await q(`SELECT p.patient_id FROM scheduled_procedure_steps s JOIN patients p ON p.id = s.patient_ref JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [a]);
    expect(row.patient_id).toBe(`ID2-${a}`);
    const before = (await q('SELECT count(*)::int AS n FROM scheduled_procedure_steps'))[0].n;
    expect((await send(adt({ event: 'A01', patientId: `ADT-${a}` }))).code).toBe('AA');
    expect((await send(adt({ event: 'A17', patientId: `ADT-${a}` }))).code).toBe('AA');
    expect((await q('SELECT count(*)::int AS n FROM scheduled_procedure_steps'))[0].n).toBe(before);
  });

  it('answers a batch with a batch of ACKs', async () => {
    const [a1, a2] = [acc(), acc()];
    const batch = ['BHS|^~\\&|RIS|HOSP_A', omi({ accession: a1 }).trim(), omi({ accession: a2 }).trim(), 'BTS|2'].join('\r') + '\r';
    const ack = (await sendRaw(radflow.hl7Port, Buffer.from(batch))).toString('latin1');
    expect(ack.startsWith('BHS|')).toBe(true);
    expect(ack.match(/MSA\|AA/g)).toHaveLength(2);
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = ANY($1)', [[a1, a2]])).toHaveLength(2);
  });

  it('answers in original mode (AA) whatever MSH-15/16 say, unless the sender profile asks for enhanced mode', async () => {
    const ack = await send(omi({ accession: acc(), mshFields: { 15: 'AL', 16: 'NE' } }));
    expect(ack.code).toBe('AA');
  });

  it('answers a 0x1C inside MSH-10 with an ACK that frames and parses, and its resend with the same bytes', async () => {
    const a = acc();
    // A lone 0x1C followed by a letter is payload to the decoder (only 0x1C 0x0D / 0x1C 0x0B end a
    // frame), so the server reads it inside MSH-10; frame() would refuse it, hence the hand framing.
    const controlId = `FS\x1c${a}`.slice(0, 20);
    const payload = Buffer.from(omi({ accession: a, controlId }), 'latin1');
    expect(payload.indexOf(Buffer.from([0x1c, 0x0d]))).toBe(-1);
    const framed = Buffer.concat([Buffer.from([0x0b]), payload, Buffer.from([0x1c, 0x0d])]);
    const client = await MllpTestClient.open(radflow.hl7Port);
    let first: Buffer = Buffer.alloc(0);
    try {
      first = await client.sendFramed(framed);
      expect(first.indexOf(0x1c)).toBe(-1);
      const ack = parseHl7(first.toString('latin1'));
      expect(ack.segment('MSA')!.raw(1)).toBe('AA');
      expect(ack.segment('MSA')!.text(2)).toBe(controlId); // \X1C\ in MSA-2 decodes back to the sender's id
      const again = await client.sendFramed(framed);
      expect(Buffer.compare(again, first)).toBe(0);
    } finally {
      client.close();
    }
    const stored = await q('SELECT ack FROM hl7_messages WHERE control_id = $1', [controlId]);
    expect(stored).toHaveLength(1);
    expect(Buffer.compare(stored[0].ack, first)).toBe(0); // stored as sent, so a resend gets a sendable ACK
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [a])).toHaveLength(1);
  });

  it('keeps the connection open after errors and stays healthy', async () => {
    const client = await MllpTestClient.open(radflow.hl7Port);
    const conversation: Array<[string, string | Buffer]> = [
      ['AA', omi({ accession: acc(), controlId: 'KEEP1' })],
      ['AR', omi({ accession: acc(), controlId: 'KEEP2' }).replace('OMI^O23^OMI_O23', 'SIU^S12^SIU_S12')],
      ['AE', omi({ accession: acc(), controlId: 'KEEP3', orderControl: 'XO', orderStatus: 'SC' })],
      ['AR', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['AA', omi({ accession: acc(), controlId: 'KEEP5' })],
    ];
    try {
      for (const [i, [code, message]] of conversation.entries()) {
        const ack = parseAck(await client.send(Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8')));
        expect(ack.code).toBe(code);
        expect(ack.controlId).toBe(i === 3 ? '' : `KEEP${i + 1}`); // not HL7: there is no MSH-10 to echo
        expect(client.isOpen).toBe(true);
      }
    } finally {
      client.close();
    }
    expect((await fetch(`http://127.0.0.1:${radflow.httpPort}/health`)).status).toBe(200);
    expect(radflow.child.exitCode).toBeNull();
    // no patient data in logs: names, ids and the fixtures' birth date, though every message was logged
    expect(radflow.output().match(/"event":"hl7.ack"/g)?.length).toBeGreaterThanOrEqual(20);
    expect(radflow.output()).not.toMatch(/MÜLLER|LÜDENSCHEIDT|DOE\^JANE|TESTPERSON|BRIEN|P-OMI-1|P-ORM-1|P-CS-|SYN000001|19800215/);
  });
});
