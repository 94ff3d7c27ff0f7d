import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';
import { Client } from 'pg';
import { omiO23, ormO01 } from '@radflow/testing';
import { freePort } from '../support/free-port';
import { parseAck, ParsedAck, sendRaw } from '../support/hl7-peers';
import { RadflowProcess, spawnRadflow, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

// Sender profiles (HL7_SENDER_PROFILES) through the built process: one sender with its own
// profile, every other one with the environment's; a stand-in RIS on the return link of a sender
// in true enhanced mode. Real sockets, real PostgreSQL; synthetic patients only.

jest.setTimeout(60_000);

/** A stand-in RIS: receives MLLP frames on its own port, answers each with an AA, keeps what it got. */
class StandInRis {
  readonly received: string[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private waiters: Array<() => void> = [];

  constructor(readonly port: number) {}

  async listen(): Promise<void> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        // Framing read by hand, not with the code under test: 0x0B payload 0x1C 0x0D.
        for (let end = buf.indexOf(Buffer.from([0x1c, 0x0d])); end >= 0; end = buf.indexOf(Buffer.from([0x1c, 0x0d]))) {
          const text = buf.subarray(buf.indexOf(0x0b) + 1, end).toString('latin1');
          buf = buf.subarray(end + 2);
          this.received.push(text);
          const controlId = text.split('\r')[0].split('|')[9] ?? '';
          socket.write(Buffer.from(`\x0bMSH|^~\\&|RIS|HOSP_E|RADFLOW|RAD|20261123101500||ACK|R${controlId}|P|2.5.1\rMSA|CA|${controlId}\r\x1c\x0d`, 'latin1'));
          this.waiters.forEach((wake) => wake());
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** The ACK it received answering `controlId` (MSA-2), once it has arrived. */
  async ackFor(controlId: string, timeoutMs = 30_000): Promise<ParsedAck> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.map((r) => parseAck(r)).find((a) => a.controlId === controlId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no application ACK for ${controlId}; received ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  async close(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const writeProfiles = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'radflow-profiles-')), name);
  writeFileSync(file, text);
  return file;
};

describe('sender profiles (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let ris: StandInRis;
  let sql: Client;
  let seq = 0;
  const acc = () => `SP${Date.now().toString(36).slice(-6)}${++seq}`.toUpperCase().slice(0, 16);
  const uid = () => `2.25.${Date.now()}${++seq}`;
  const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;
  const send = async (bytes: Buffer | string) => parseAck(await sendRaw(radflow.hl7Port, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8')));
  const LAB = { sendingApplication: 'LAB', sendingFacility: 'HOSP_L' };
  const ENHANCED = { sendingApplication: 'ENHRIS', sendingFacility: 'HOSP_E' };

  beforeAll(async () => {
    db = await createScratchDatabase();
    ris = new StandInRis(await freePort());
    await ris.listen();
    const file = writeProfiles(
      'profiles.yaml',
      [
        'senders:',
        '  - name: LAB_RIS',
        '    match: { application: LAB }',
        '    charset: "8859/2"',
        '    processingIds: [P]',
        '    accessionSources: [filler]',
        '    stationAeByLocation: { ER: CT_ER }',
        '    newOrderWhenExists: update',
        '  - name: ENHANCED_RIS',
        '    match: { application: ENHRIS, facility: HOSP_E }',
        '    ackMode: enhanced',
        `    applicationAckUrl: mllp://127.0.0.1:${ris.port}`,
      ].join('\n'),
    );
    radflow = await startRadflow({ DATABASE_URL: db.url, HL7_SENDER_PROFILES: file, HL7_STATION_AE_BY_MODALITY: 'CT=CT01', LOG_LEVEL: 'info' });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await ris?.close();
    await db?.drop();
  });

  it('accepted processing IDs: the profile allows P only, the environment P, D and T', async () => {
    const training = await send(omiO23({ ...LAB, processingId: 'T', accession: acc(), studyInstanceUid: uid() }));
    expect(training.code).toBe('AR');
    expect(training.err).toContain('202');
    expect((await send(omiO23({ processingId: 'T', accession: acc(), studyInstanceUid: uid() }))).code).toBe('AA');
  });

  it('the profile charset reads a Latin-2 feed that leaves MSH-18 empty', async () => {
    const [labPid, otherPid] = [`P-L2-${acc()}`, `P-L1-${acc()}`];
    const message = (sender: object, patientId: string) => iconv.encode(omiO23({ ...sender, charset: '', patientId, name: 'ŁUKASZ^ŻANETA', accession: acc(), studyInstanceUid: uid() }), 'iso-8859-2');
    expect((await send(message(LAB, labPid))).code).toBe('AA');
    expect((await send(message({}, otherPid))).code).toBe('AA');
    const names = await q('SELECT patient_id, name FROM patients WHERE patient_id = ANY($1)', [[labPid, otherPid]]);
    expect(names.find((n) => n.patient_id === labPid)?.name).toBe('ŁUKASZ^ŻANETA');
    // the environment's default (UTF-8) falls back to Windows-1252 for these bytes: not the same letters
    expect(names.find((n) => n.patient_id === otherPid)?.name).not.toBe('ŁUKASZ^ŻANETA');
  });

  it('the accession comes from the filler number (ORC-3), and the station AE from the point of care', async () => {
    const filler = acc();
    const ack = await send(ormO01({ ...LAB, accession: '', fillerOrderNumber: `${filler}^RADFLOW`, patientLocation: 'ER^R1^2', modality: 'CT', studyInstanceUid: uid() }));
    expect(ack.code).toBe('AA');
    const [step] = await q(
      `SELECT s.station_ae_titles FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [filler]);
    expect(step?.station_ae_titles).toEqual(['CT_ER']);
  });

  it('another sender keeps the environment: OBR-18 and HL7_STATION_AE_BY_MODALITY', async () => {
    const a = acc();
    expect((await send(ormO01({ accession: a, patientLocation: 'ER^R1^2', modality: 'CT', studyInstanceUid: uid() }))).code).toBe('AA');
    const [step] = await q(
      `SELECT s.station_ae_titles FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [a]);
    expect(step?.station_ae_titles).toEqual(['CT01']);
  });

  it('a second NW for an existing order: an update for the profile, refused for the environment', async () => {
    const [filler, a] = [acc(), acc()];
    const first = omiO23({ ...LAB, fillerOrderNumber: `${filler}^RADFLOW`, accession: '', studyInstanceUid: uid() });
    expect((await send(first)).code).toBe('AA');
    expect((await send(first.replace(/\|MSG\d+\|/, `|R${acc()}|`))).code).toBe('AA');
    const other = omiO23({ accession: a, studyInstanceUid: uid() });
    expect((await send(other)).code).toBe('AA');
    const second = await send(other.replace(/\|MSG\d+\|/, `|R${acc()}|`));
    expect(second.code).toBe('AE');
  });

  it('true enhanced mode: CA on the connection, then the application ACK on the return link', async () => {
    const controlId = `ENH${acc()}`.slice(0, 20);
    const commit = await send(omiO23({ ...ENHANCED, controlId, mshFields: { 15: 'AL', 16: 'AL' }, accession: acc(), studyInstanceUid: uid() }));
    expect(commit).toMatchObject({ code: 'CA', controlId });
    const application = await ris.ackFor(controlId);
    expect(application.code).toBe('AA');
    expect(application.msh[2]).toBe('RADFLOW'); // MSH-3: we send it
  });

  it('true enhanced mode: a message found bad is committed (CA) and its AE goes on the return link', async () => {
    const controlId = `ENE${acc()}`.slice(0, 20);
    const commit = await send(omiO23({ ...ENHANCED, controlId, patientIdList: '', mshFields: { 15: 'AL', 16: 'ER' }, accession: acc(), studyInstanceUid: uid() }));
    expect(commit).toMatchObject({ code: 'CA', controlId });
    expect(commit.err).toBeUndefined();
    const application = await ris.ackFor(controlId);
    expect(application.code).toBe('AE');
    expect(application.err).toContain('PID');
  });

  it('true enhanced mode: MSH-16 ER and a success ask for no application ACK', async () => {
    const quiet = `ENQ${acc()}`.slice(0, 20);
    const asked = `ENA${acc()}`.slice(0, 20);
    expect((await send(omiO23({ ...ENHANCED, controlId: quiet, mshFields: { 15: 'AL', 16: 'ER' }, accession: acc(), studyInstanceUid: uid() }))).code).toBe('CA');
    expect((await send(omiO23({ ...ENHANCED, controlId: asked, mshFields: { 15: 'AL', 16: 'AL' }, accession: acc(), studyInstanceUid: uid() }))).code).toBe('CA');
    await ris.ackFor(asked);
    // the first message was answered in full before the second was sent: its ACK would be here by now
    expect(ris.received.map((r) => parseAck(r).controlId)).not.toContain(quiet);
  });

  it('an original-mode sender with MSH-15/16 valued still gets AA on its connection and nothing on a return link', async () => {
    const controlId = `ORG${acc()}`.slice(0, 20);
    expect((await send(omiO23({ controlId, mshFields: { 15: 'AL', 16: 'AL' }, accession: acc(), studyInstanceUid: uid() }))).code).toBe('AA');
    expect(ris.received.map((r) => parseAck(r).controlId)).not.toContain(controlId);
  });
});

describe('a sender profiles file that cannot be used (e2e)', () => {
  it.each([
    ['a bad leniency mode', 'profiles.json', JSON.stringify({ senders: [{ name: 'LAB_RIS', match: { application: 'LAB' }, leniency: { 'birth-date': 'loose' } }] }), 'HL7_SENDER_PROFILES: profile "LAB_RIS" field leniency.birth-date: expected "warn" or "strict"'],
    ['enhanced mode without a return link', 'profiles.yaml', 'senders:\n  - name: ENH\n    match: { facility: HOSP_E }\n    ackMode: enhanced\n', 'HL7_SENDER_PROFILES: profile "ENH" field applicationAckUrl: required when ackMode is "enhanced"'],
  ])('%s: one line naming the profile and field, exit 1', async (_, name, text, expected) => {
    const proc = await spawnRadflow({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', HL7_SENDER_PROFILES: writeProfiles(name, text) });
    expect(await proc.exited).toBe(1);
    const lines = proc.output().split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([expected]);
  });

  it('a file that is not there: one line, exit 1', async () => {
    const proc = await spawnRadflow({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', HL7_SENDER_PROFILES: join(tmpdir(), 'radflow-no-such-profiles.yaml') });
    expect(await proc.exited).toBe(1);
    expect(proc.output().trim()).toMatch(/^HL7_SENDER_PROFILES: cannot read .*radflow-no-such-profiles\.yaml \(ENOENT\)$/);
  });
});

describe('application ACKs survive a restart (e2e)', () => {
  let db: ScratchDatabase;
  let ris: StandInRis | undefined;
  let radflow: RadflowProcess | undefined;

  beforeAll(async () => {
    db = await createScratchDatabase();
  });
  afterAll(async () => {
    await radflow?.stop();
    await ris?.close();
    await db?.drop();
  });

  it('an application ACK its return link did not take is stored, and sent once the process starts again', async () => {
    const risPort = await freePort(); // nobody listens there yet
    const file = writeProfiles('profiles.yaml', ['senders:', '  - name: ENHANCED_RIS', '    match: { application: ENHRIS }', '    ackMode: enhanced', `    applicationAckUrl: mllp://127.0.0.1:${risPort}`].join('\n'));
    const env = { DATABASE_URL: db.url, HL7_SENDER_PROFILES: file, LOG_LEVEL: 'info' };
    radflow = await startRadflow(env);
    const controlId = `RST${Date.now().toString(36)}`.slice(0, 20);
    const commit = parseAck(await sendRaw(radflow.hl7Port, Buffer.from(omiO23({ sendingApplication: 'ENHRIS', controlId, mshFields: { 15: 'AL', 16: 'AL' }, accession: `RS${Date.now().toString(36)}`.slice(0, 16), studyInstanceUid: `2.25.${Date.now()}7` }))));
    expect(commit.code).toBe('CA');
    const first = radflow;
    const deadline = Date.now() + 30_000;
    while (!first.output().includes('hl7.application-ack-retry') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(first.output()).toContain('hl7.application-ack-retry');
    await first.stop();
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const stored = async () => (await sql.query(`SELECT a.ack_code, a.sent_at FROM hl7_application_acks a JOIN hl7_messages m ON m.id = a.message_id WHERE m.control_id = $1`, [controlId])).rows;
    try {
      expect(await stored()).toEqual([{ ack_code: 'AA', sent_at: null }]);

      ris = new StandInRis(risPort);
      await ris.listen();
      radflow = await startRadflow(env);
      const application = await ris.ackFor(controlId);
      expect(application.code).toBe('AA');
      const sentAt = async () => (await stored())[0]?.sent_at;
      const until = Date.now() + 30_000;
      while (!(await sentAt()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(await sentAt()).toBeInstanceOf(Date);
    } finally {
      await sql.end();
    }
  });
});
