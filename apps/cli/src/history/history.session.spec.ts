import type { StudyHistory, StudyHistoryReader } from '@radflow/domain';
import type { AuditEvent, AuditTrail } from '@radflow/observability';
import { AuditedStudyHistory } from './history.session';

const study = (procedureRef: string, matchedBy: StudyHistory['matchedBy']): StudyHistory => ({
  procedureRef, studyInstanceUid: `2.25.${procedureRef}`, accessionNumber: 'ACC1', matchedBy,
  rows: [{ at: new Date(), scope: 'step', stepRef: 's', spsId: 'SPS1', from: null, to: 'SCHEDULED', event: 'order.placed', source: { kind: 'hl7', ref: 'm' }, note: null }],
});

function reader(found: StudyHistory[]): StudyHistoryReader & { keys: string[] } {
  const keys: string[] = [];
  return { keys, find: async (key) => (keys.push(key), found) };
}

function trail(fail = false): AuditTrail & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, record: async (e) => { if (fail) throw new Error('audit down'); events.push(e); } };
}

describe('AuditedStudyHistory', () => {
  it('audits the read with our procedure ids, never the key it was asked by', async () => {
    const audit = trail();
    const found = [study('p1', 'accession'), study('p2', 'accession')];
    expect(await new AuditedStudyHistory(reader(found), audit).read('ACC1', { user: 'alice', peer: 'cli@ws1' })).toBe(found);
    expect(audit.events).toEqual([{
      actor: 'alice', action: 'study-history.read', entity: 'requested_procedure', entityId: undefined, peer: 'cli@ws1',
      detail: { matchedBy: ['accession'], count: 2, procedureRefs: ['p1', 'p2'], rows: 2 },
    }]);
    expect(JSON.stringify(audit.events)).not.toContain('ACC1');
  });

  it('names the one procedure shown as the audited entity', async () => {
    const audit = trail();
    await new AuditedStudyHistory(reader([study('p1', 'study-uid')]), audit).read('2.25.p1', { user: 'bob' });
    expect(audit.events[0]).toMatchObject({ entityId: 'p1', detail: { matchedBy: ['study-uid'], count: 1 } });
  });

  it('shows nothing when the audit row cannot be written', async () => {
    await expect(new AuditedStudyHistory(reader([study('p1', 'accession')]), trail(true)).read('ACC1', { user: 'bob' })).rejects.toThrow('audit down');
  });

  it('audits nothing when nothing matches', async () => {
    const audit = trail();
    expect(await new AuditedStudyHistory(reader([]), audit).read('NOPE', { user: 'bob' })).toEqual([]);
    expect(audit.events).toEqual([]);
  });
});
