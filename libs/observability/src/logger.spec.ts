import { Writable } from 'node:stream';
import { createLogger, errorFields } from './logger';

function capture(logPhi: boolean) {
  const lines: any[] = [];
  const destination = new Writable({ write(chunk, _e, cb) { lines.push(JSON.parse(chunk.toString())); cb(); } });
  return { log: createLogger({ app: 'test', level: 'info', logPhi, destination: destination as any }), lines };
}

describe('logger', () => {
  it('removes patient data by default', async () => {
    const { log, lines } = capture(false);
    log.info({ event: 'hl7.ack', controlId: 'MSG1', patientName: 'DOE^JANE', nested: { accessionNumber: 'A1' }, raw: 'MSH|' }, 'ack sent');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ app: 'test', event: 'hl7.ack', controlId: 'MSG1' });
    expect(JSON.stringify(lines[0])).not.toMatch(/DOE|A1|MSH/);
  });

  it('keeps them only when LOG_PHI is on', async () => {
    const { log, lines } = capture(true);
    log.info({ patientName: 'DOE^JANE' }, 'x');
    await new Promise((r) => setImmediate(r));
    expect(lines[0].patientName).toBe('DOE^JANE');
  });

  it('blanks the values a database error quotes, in its own fields and under err', async () => {
    const dbError = Object.assign(new Error('invalid input syntax for type date: "19800231DOE"'), { severity: 'ERROR', code: '22007', detail: 'Key (mrn)=(MRN4711)' });
    expect(JSON.stringify(errorFields(dbError))).not.toMatch(/DOE|MRN4711/);
    expect(errorFields(dbError)).toMatchObject({ errCode: '22007', errMessage: 'invalid input syntax for type date: "…"' });
    const { log, lines } = capture(false);
    log.error({ event: 'hl7.failed', err: dbError }, 'failed');
    await new Promise((r) => setImmediate(r));
    expect(lines[0].event).toBe('hl7.failed');
    expect(JSON.stringify(lines[0])).not.toMatch(/DOE|MRN4711/);
  });
});
