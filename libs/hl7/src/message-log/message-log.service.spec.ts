import { MessageLog, MessageLogEntry, StoredMessage } from '@radflow/domain';
import { AuditEvent, AuditTrail } from '@radflow/observability';
import { MessageLogService } from './message-log.service';
import { decodeStoredMessage, patientsNamedIn } from './stored-message.reader';

const TEXT = 'MSH|^~\\&|RIS|HOSP_A|RADFLOW|RAD|20261123101500||ADT^A08|MSG1|P|2.5.1|||||8859/1\rPID|||SYN042^^^HOSP_A^MR||TESTER^ZOË^M\r';
const RAW = Buffer.from(TEXT, 'latin1');
const ENTRY: MessageLogEntry = {
  id: '0193a4b2-0000-7000-8000-000000000001', receivedAt: new Date('2026-12-04T09:58:01Z'), peer: '10.0.0.7', sendingApplication: 'RIS',
  sendingFacility: 'HOSP_A', controlId: 'MSG1', messageType: 'ADT^A08', version: '2.5.1', charset: '8859/1', ackCode: 'AA', outcome: 'applied', warnings: [], error: null,
};
const STORED: StoredMessage = { ...ENTRY, raw: RAW, ack: Buffer.from('MSH|^~\\&|RADFLOW|RAD\rMSA|AA|MSG1\r', 'latin1'), changes: [] };

const log: MessageLog = {
  list: async () => [ENTRY],
  rawMessages: async (ids) => (ids.includes(ENTRY.id) ? [{ id: ENTRY.id, raw: RAW, charset: '8859/1' }] : []),
  find: async (id) => (id === ENTRY.id ? STORED : null),
};

function trail(fail = false): AuditTrail & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, record: async (e) => (fail ? Promise.reject(new Error('audit down')) : void events.push(e)) };
}

describe('MessageLogService', () => {
  it('lists without patients and without an audit row when PHI is not asked for', async () => {
    const audit = trail();
    const [m] = await new MessageLogService(log, audit).list({ limit: 10 });
    expect(m).toEqual(ENTRY);
    expect(audit.events).toEqual([]);
  });

  it('adds the patients each message names, after writing who saw which messages', async () => {
    const audit = trail();
    const [m] = await new MessageLogService(log, audit).list({ limit: 10 }, { user: 'alice', peer: 'cli@ws1' });
    expect(m.patients).toEqual([{ id: 'SYN042', issuer: 'HOSP_A', name: 'TESTER^ZOË^M' }]);
    expect(audit.events).toEqual([{
      actor: 'alice', action: 'message-log.phi-access', entity: 'hl7_message', entityId: ENTRY.id, peer: 'cli@ws1',
      detail: { view: 'list', count: 1, messageIds: [ENTRY.id] },
    }]);
  });

  it('shows no PHI when the audit row cannot be written', async () => {
    const service = new MessageLogService(log, trail(true));
    await expect(service.list({ limit: 10 }, { user: 'alice' })).rejects.toThrow('audit down');
    await expect(service.show(ENTRY.id, { user: 'alice' })).rejects.toThrow('audit down');
  });

  it('shows one message decoded in its charset, with its ACK, and audits it', async () => {
    const audit = trail();
    const d = await new MessageLogService(log, audit).show(ENTRY.id, { user: 'bob' });
    expect(d!.decoded).toMatchObject({ decodedAs: '8859/1', segments: TEXT.split('\r').filter(Boolean) });
    expect(d!.ack.segments).toEqual(['MSH|^~\\&|RADFLOW|RAD', 'MSA|AA|MSG1']);
    expect(d!.patients[0].name).toBe('TESTER^ZOË^M');
    expect(audit.events.map((e) => [e.actor, e.detail?.view, e.entityId])).toEqual([['bob', 'message', ENTRY.id]]);
  });

  it('answers null for an unknown id, and audits nothing shown', async () => {
    const audit = trail();
    expect(await new MessageLogService(log, audit).show('0193a4b2-0000-7000-8000-00000000ffff', { user: 'bob' })).toBeNull();
    expect(audit.events).toEqual([]);
  });
});

describe('stored message reader', () => {
  it('shows bytes that are not HL7 as Latin-1, and names no patient', () => {
    const d = decodeStoredMessage(Buffer.from('GET / HTTP/1.1\r\n', 'latin1'), null);
    expect(d).toEqual({ text: 'GET / HTTP/1.1\r\n', decodedAs: null, segments: ['GET / HTTP/1.1'] });
    expect(patientsNamedIn(d.text)).toEqual([]);
  });

  it('names every PID of a merge', () => {
    const text = 'MSH|^~\\&|RIS|H|||x||ADT^A40|M2|P|2.5.1\rPID|||SYN1^^^H\rMRG|SYN9^^^H\rPID|||SYN2^^^H||DOE^JO\rMRG|SYN8^^^H\r';
    expect(patientsNamedIn(text)).toEqual([{ id: 'SYN1', issuer: 'H', name: null }, { id: 'SYN2', issuer: 'H', name: 'DOE^JO' }]);
  });
});
