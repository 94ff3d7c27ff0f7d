import { locateSubject } from '../ack/error-subject.locator';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { DomainError } from '@radflow/domain';
import { adt, omiO23 } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { toAdtCommand } from './adt-message.mapper';

const command = (text: string, localIssuer?: string) => toAdtCommand(parseHl7(text), { localIssuer });

/** The error a mapper threw, with the ERR location the edge would answer with. */
function thrown(fn: () => unknown): { code: string; message: string; location?: Hl7ErrorLocation } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message, location: locateSubject(e.subject) };
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('ADT → command by trigger event', () => {
  it.each([
    ['A01', 'upsert-patient'],
    ['A04', 'upsert-patient'],
    ['A05', 'upsert-patient'],
    ['A08', 'upsert-patient'],
    ['A28', 'upsert-patient'],
    ['A31', 'upsert-patient'],
    ['A02', 'update-visit'],
    ['A03', 'update-visit'],
    ['A11', 'update-visit'],
    ['A13', 'update-visit'],
    ['A40', 'merge'],
    ['A34', 'merge'],
    ['A36', 'merge'],
    ['A47', 'change-id'],
    ['A46', 'change-id'],
    ['A49', 'change-id'],
    ['A35', 'ignore'],
    ['A17', 'ignore'],
    ['A37', 'ignore'],
  ])('%s → %s', (event, kind) => {
    const cmd = command(adt({ event }));
    expect(cmd).toMatchObject({ kind, event });
  });

  it('maps patient and visit for an upsert', () => {
    const cmd = command(adt({ event: 'A01', name: 'TESTER^ALEX', patientLocation: 'WARD1^R2^B3', visitNumber: 'V1' }));
    expect(cmd).toEqual({
      kind: 'upsert-patient',
      event: 'A01',
      patient: expect.objectContaining({ identifier: { id: 'SYN000001', issuer: 'HOSP_A', typeCode: 'MR' }, name: 'TESTER^ALEX' }),
      visit: expect.objectContaining({ currentPatientLocation: 'WARD1 R2 B3', admissionId: 'V1', referringPhysician: 'REFERRAL^SAM^^DR' }),
    });
  });

  it('does not read the placeholder PV1 of A28/A31 as a visit', () => {
    const cmd = command(adt({ event: 'A31', patientLocation: 'WARD1', allergies: ['LTX^Latex'] }));
    expect(cmd).toMatchObject({ kind: 'upsert-patient', visit: { currentPatientLocation: undefined, referringPhysician: undefined, allergies: 'Latex' } });
  });

  it('gives A35 (account merge) a reason', () => {
    expect(command(adt({ event: 'A35' }))).toEqual({ kind: 'ignore', event: 'A35', reason: expect.stringContaining('account') });
  });

  it('takes the trigger from EVN-1 when MSH-9.2 is empty (v2.3.1 senders)', () => {
    const text = adt({ event: 'A08', version: '2.3.1' }).replace('ADT^A08^ADT_A01', 'ADT');
    expect(command(text)).toMatchObject({ kind: 'upsert-patient', event: 'A08' });
  });

  it('rejects an ADT without PID-3 at PID^1^3', () => {
    expect(thrown(() => command(adt({ patientIdList: '' })))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', location: { segment: 'PID', sequence: 1, field: 3 } });
  });

  it('refuses a message that is not ADT', () => {
    expect(thrown(() => command(omiO23()))).toMatchObject({ code: 'UNSUPPORTED_MESSAGE', location: { segment: 'MSH', sequence: 1, field: 9 } });
  });
});

describe('merge (A40, A34, A36)', () => {
  it('loops over PID+MRG pairs: A40 with two pairs', () => {
    const text = adt({
      event: 'A40',
      pairs: [
        { patientId: 'SYN1', priorPatientId: 'OLD1' },
        { patientId: 'SYN2', name: 'OTHER^PAT', priorIdList: 'N9^^^NATIONAL~OLD2^^^HOSP_A' },
      ],
    });
    const cmd = command(text, 'HOSP_A');
    expect(cmd.kind).toBe('merge');
    if (cmd.kind !== 'merge') return;
    expect(cmd.pairs.map((p) => [p.surviving.identifier.id, p.surviving.name, p.prior])).toEqual([
      ['SYN1', 'TESTPERSON^ALEX^J', { id: 'OLD1', issuer: 'HOSP_A', typeCode: 'MR' }],
      ['SYN2', 'OTHER^PAT', { id: 'OLD2', issuer: 'HOSP_A' }],
    ]);
  });

  it('reads MRG-4 for old A34 senders', () => {
    const cmd = command(adt({ event: 'A34', priorIdList: '', mrgFields: { 4: 'OLD4^^^HOSP_A' } }));
    expect(cmd).toMatchObject({ kind: 'merge', pairs: [{ prior: { id: 'OLD4', issuer: 'HOSP_A' } }] });
  });

  it.each([
    ['no MRG', { mrg: false }, { segment: 'MRG', sequence: 1 }],
    ['MRG without a prior ID', { priorIdList: '', mrgFields: { 7: 'OLD^NAME' } }, { segment: 'MRG', sequence: 1, field: 1 }],
  ])('rejects a merge with %s', (_, fixture, location) => {
    expect(thrown(() => command(adt({ event: 'A40', ...fixture })))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', location });
  });

  it('names the pair whose MRG is missing', () => {
    const text = adt({ event: 'A40', pairs: [{}, { patientId: 'SYN2', mrg: false }] });
    expect(thrown(() => command(text)).location).toEqual({ segment: 'MRG', sequence: 2 });
  });

  it('rejects a merge whose surviving PID has no PID-3', () => {
    expect(thrown(() => command(adt({ event: 'A40', patientIdList: '""' }))).location).toEqual({ segment: 'PID', sequence: 1, field: 3 });
  });
});

describe('change identifier (A47, A46, A49)', () => {
  it('maps A47: MRG-1 is renamed to PID-3', () => {
    const cmd = command(adt({ event: 'A47', patientId: 'NEW1', priorPatientId: 'OLD1' }));
    expect(cmd).toEqual({
      kind: 'change-id',
      event: 'A47',
      pairs: [
        {
          newIdentifier: { id: 'NEW1', issuer: 'HOSP_A', typeCode: 'MR' },
          prior: { id: 'OLD1', issuer: 'HOSP_A', typeCode: 'MR' },
          demographics: expect.objectContaining({ identifier: { id: 'NEW1', issuer: 'HOSP_A', typeCode: 'MR' } }),
          origin: { segment: 'MRG', sequence: 1, field: 1 },
        },
      ],
    });
  });

  it('rejects A47 without MRG', () => {
    expect(thrown(() => command(adt({ event: 'A47', mrg: false })))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', location: { segment: 'MRG', sequence: 1 } });
  });

  it('ignores an A49 that changes only the account number (MRG-3)', () => {
    const cmd = command(adt({ event: 'A49', priorIdList: '', mrgFields: { 3: 'AC1' } }));
    expect(cmd).toMatchObject({ kind: 'ignore', event: 'A49' });
  });
});
