import { DomainError } from '@radflow/domain';
import { locateSubject } from '../ack/error-subject.locator';
import { adt, omiO23, ormO01 } from '@radflow/testing';
import { ALL_LENIENT } from '../inbound/sender-profile';
import { parseHl7 } from '../parser';
import { toAdtCommand } from './adt-message.mapper';
import { MappingWarnings } from './leniency';
import { toPlaceOrdersCommand } from './order-message.mapper';
import { isoToDtm } from './order-timing.mapper';

const lenient = (version = '2.5.1') => new MappingWarnings(ALL_LENIENT, version);
const RECEIVED = new Date(2026, 10, 23, 8, 5, 9);

/** The error a mapper threw, with the ERR location the edge would answer with. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? { code: e.code, location: locateSubject(e.subject) } : e;
  }
  throw new Error('expected a throw');
}

describe('leniency rules in order mapping', () => {
  it('keeps a 19-character SPS ID as sent, with a 102 warning before v2.7 and 104 from it', () => {
    const spsId = 'SPS0000000000000019';
    const w = lenient('2.5.1');
    const cmd = toPlaceOrdersCommand(parseHl7(omiO23({ spsId })), { warnings: w });
    expect(cmd.groups[0].procedures[0].steps[0].spsId).toBe(spsId);
    expect(w.list()).toEqual([{ code: 102, location: { segment: 'IPC', sequence: 1, field: 4 }, text: 'scheduled procedure step ID (IPC-4) longer than SH (16) allows; kept as sent' }]);
    const w27 = lenient('2.7');
    toPlaceOrdersCommand(parseHl7(omiO23({ spsId, version: '2.7' })), { warnings: w27 });
    expect(w27.list().map((x) => x.code)).toEqual([104]);
  });

  it('cuts a key past the 64-character ceiling, with a warning', () => {
    const w = lenient();
    const cmd = toPlaceOrdersCommand(parseHl7(omiO23({ spsId: 'S'.repeat(80) })), { warnings: w });
    expect(cmd.groups[0].procedures[0].steps[0].spsId).toBe('S'.repeat(64));
    expect(w.list()[0].text).toBe('scheduled procedure step ID (IPC-4) longer than 64 characters; cut to 64');
  });

  it('refuses the same SPS ID when the sender is strict (as before)', () => {
    expect(thrown(() => toPlaceOrdersCommand(parseHl7(omiO23({ spsId: 'SPS0000000000000019' }))))).toMatchObject({ code: 'VALUE_TOO_LONG', location: { segment: 'IPC', field: 4 } });
  });

  it('keeps a descriptive text up to four times its VR, cuts it past that', () => {
    const w = lenient();
    const long = 'D'.repeat(100);
    const cmd = toPlaceOrdersCommand(parseHl7(ormO01({ obrFields: { 13: long, 30: 'T'.repeat(300) } })), { warnings: w });
    expect(cmd.groups[0].medicalAlerts).toBe(long);
    expect(cmd.groups[0].procedures[0].transportArrangements).toBe('T'.repeat(256));
    expect(w.list().map((x) => x.text)).toEqual(['order.medicalAlerts longer than LO (64) allows; kept as sent', 'procedure.transportArrangements longer than 256 characters; cut to 256']);
    const strict = MappingWarnings.strict();
    const cut = toPlaceOrdersCommand(parseHl7(ormO01({ obrFields: { 13: long } })), { warnings: strict });
    expect(cut.groups[0].medicalAlerts).toBe('D'.repeat(64));
    expect(strict.list().map((x) => x.text)).toEqual(['order.medicalAlerts longer than 64 characters; cut to 64']);
  });

  it('maps modality NMR through the profile alias and keeps an unknown one as sent, upper case', () => {
    const w = lenient();
    const cmd = toPlaceOrdersCommand(parseHl7(ormO01({ orders: [{ modality: 'NMR' }, { modality: 'xyz', accession: 'ACC2', spsId: 'S2', requestedProcedureId: 'R2', studyInstanceUid: '1.2.3.4' }] })), {
      warnings: w,
      modalityAliases: { NMR: 'MR' },
    });
    expect(cmd.groups.map((g) => g.procedures[0].steps[0].modality)).toEqual(['MR', 'XYZ']);
    expect(w.list()).toEqual([
      { code: 103, location: { segment: 'OBR', sequence: 1, field: 24 }, text: 'modality not a DICOM defined term; mapped by the sender profile alias' },
      { code: 103, location: { segment: 'OBR', sequence: 2, field: 24 }, text: 'modality not a DICOM defined term; kept as sent' },
    ]);
    expect(thrown(() => toPlaceOrdersCommand(parseHl7(ormO01({ modality: 'XYZ' }))))).toMatchObject({ code: 'INVALID_VALUE', location: { segment: 'OBR', field: 24 } });
  });

  it('accepts an NW without accession (Type 2) with a warning at OBR-18', () => {
    const w = lenient('2.3.1');
    const cmd = toPlaceOrdersCommand(parseHl7(ormO01({ accession: '' })), { warnings: w });
    expect(cmd.groups[0].accessionNumber).toBeUndefined();
    expect(w.list()).toEqual([{ code: 101, location: { segment: 'OBR', sequence: 1, field: 18 }, text: 'accession number missing; order stored without one' }]);
    expect(thrown(() => toPlaceOrdersCommand(parseHl7(ormO01({ accession: '' }))))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING' });
  });

  it('leaves a priority outside table 0027 empty, with one warning however often it is read', () => {
    const w = lenient();
    const cmd = toPlaceOrdersCommand(parseHl7(omiO23({ priority: 'Z' })), { warnings: w });
    expect(cmd.groups[0].priority).toBeNull();
    expect(w.list()).toEqual([{ code: 103, location: { segment: 'TQ1', sequence: 1, field: 9 }, text: 'priority not in HL7 table 0027; left empty' }]);
    expect(thrown(() => toPlaceOrdersCommand(parseHl7(omiO23({ priority: 'Z' }))))).toMatchObject({ code: 'INVALID_VALUE', location: { segment: 'TQ1', field: 9 } });
    const prn = lenient();
    toPlaceOrdersCommand(parseHl7(omiO23({ priority: 'PRN' })), { warnings: prn });
    expect(prn.list()).toEqual([]);
  });

  it('reads an ISO-style MSH-7 as the timestamp it is, without a warning', () => {
    const w = lenient();
    const cmd = toPlaceOrdersCommand(parseHl7(ormO01({ messageTime: '2017-04-25 07:31:13.123456', start: '' })), { warnings: w });
    expect(cmd.messageTime).toEqual({ date: '20170425', time: '073113.1234' });
    expect(w.list()).toEqual([]);
  });

  it('uses the receipt time for an unreadable MSH-7, with a warning; strict refuses it', () => {
    const w = lenient();
    const cmd = toPlaceOrdersCommand(parseHl7(ormO01({ messageTime: 'yesterday' })), { warnings: w, receivedAt: RECEIVED });
    expect(cmd.messageTime).toEqual({ date: '20261123', time: '080509' });
    expect(w.list()).toEqual([{ code: 102, location: { segment: 'MSH', sequence: 1, field: 7 }, text: 'message date/time (MSH-7) unreadable; receipt time used' }]);
    expect(thrown(() => toPlaceOrdersCommand(parseHl7(ormO01({ messageTime: 'yesterday' }))))).toMatchObject({ code: 'INVALID_VALUE', location: { segment: 'MSH', field: 7 } });
  });
});

describe('leniency rules in patient mapping', () => {
  it('stores no birth date for one that is not a date, with a warning; strict refuses it', () => {
    const w = lenient();
    const cmd = toAdtCommand(parseHl7(adt({ event: 'A08', birthDate: '19801340' })), { warnings: w });
    expect(cmd).toMatchObject({ kind: 'upsert-patient', patient: { birthDate: undefined, birthTime: undefined } });
    expect(w.list()).toEqual([{ code: 102, location: { segment: 'PID', sequence: 1, field: 7 }, text: 'birth date (PID-7) not a date; none stored' }]);
    expect(thrown(() => toAdtCommand(parseHl7(adt({ event: 'A08', birthDate: '19801340' }))))).toMatchObject({ code: 'INVALID_VALUE', location: { segment: 'PID', field: 7 } });
  });

  it('leaves a sex outside table 0001 empty, with a warning', () => {
    const w = lenient();
    const cmd = toAdtCommand(parseHl7(adt({ event: 'A08', sex: 'X' })), { warnings: w });
    expect(cmd).toMatchObject({ patient: { sex: null } });
    expect(w.list()).toEqual([{ code: 103, location: { segment: 'PID', sequence: 1, field: 8 }, text: 'administrative sex not in HL7 table 0001; left empty' }]);
  });
});

describe('isoToDtm', () => {
  it.each([
    ['2017-04-25 07:31:13.123456', '20170425073113.1234'],
    ['2017-04-25T07:31:13', '20170425073113'],
    ['2017-04-25T07:31', '201704250731'],
    ['2017-04-25', '20170425'],
    ['2017-04-25T07:31:13+02:00', '20170425073113+0200'],
    ['2017-04-25T07:31:13Z', '20170425073113+0000'],
  ])('%s → %s', (iso, dtm) => expect(isoToDtm(iso)).toBe(dtm));

  it('is null for what is not ISO', () => {
    expect(isoToDtm('20170425073113')).toBeNull();
    expect(isoToDtm('25.04.2017')).toBeNull();
  });
});
