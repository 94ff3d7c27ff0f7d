import { checkIn, runUseCase } from '@radflow/domain';
import { adt, omiO23 } from '@radflow/testing';
import { IngestHarness, openIngestHarness } from '../support/ingest-harness';

/**
 * Check-in on real Postgres: ADT^A10 "patient arriving" moves the patient's steps of that day from
 * scheduled to arrived (step and study history rows), and the check-in use case does the same by
 * order, and undoes it. Synthetic patients only.
 */
let h: IngestHarness;
let seq = 0;

beforeAll(async () => (h = await openIngestHarness('int-check-in')));
afterAll(async () => h?.close());

const q = (text: string, params: unknown[] = []) => h.q(text, params);
const send = (text: string) => h.send(text);

async function order(patientId: string, start: string): Promise<string> {
  const n = ++seq;
  const accession = `CHK${n}${process.pid}`.slice(0, 16);
  const text = omiO23({ controlId: `CHKNW${n}`, patientId, accession, requestedProcedureId: `RPCHK${n}`, spsId: `SPSCHK${n}`, studyInstanceUid: `2.25.${process.pid}${Date.now()}${n}`, placerOrderNumber: `PLCHK${n}^RIS`, start });
  expect((await send(text)).code).toBe('AA');
  return accession;
}

const stateOf = async (accession: string) =>
  (await q(`SELECT s.status, r.study_status FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [accession]))[0];
const historyOf = async (accession: string) =>
  (await q(`SELECT t.scope, t.from_status, t.to_status, t.event, t.source_kind FROM study_transitions t JOIN requested_procedures r ON r.id = t.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1 ORDER BY t.id`, [accession]))
    .map((r) => `${r.scope} ${r.from_status ?? '-'}>${r.to_status} ${r.event} ${r.source_kind}`);

describe('check-in', () => {
  it('ADT^A10 checks in the steps of that day only, once, with history', async () => {
    const today = [await order('PCHK001', '20261124093000'), await order('PCHK001', '20261124150000')];
    const tomorrow = await order('PCHK001', '20261125093000');
    expect((await send(adt({ event: 'A10', controlId: 'CHKA10A', patientId: 'PCHK001', messageTime: '20261124080500' }))).code).toBe('AA');
    for (const a of today) {
      expect(await stateOf(a)).toEqual({ status: 'ARRIVED', study_status: 'arrived' });
      expect(await historyOf(a)).toEqual(['step ->SCHEDULED order.placed hl7', 'step SCHEDULED>ARRIVED check-in hl7', 'study scheduled>arrived check-in hl7']);
    }
    expect(await stateOf(tomorrow)).toEqual({ status: 'SCHEDULED', study_status: 'scheduled' });
    // a second arrival: acknowledged, nothing new
    expect((await send(adt({ event: 'A10', controlId: 'CHKA10B', patientId: 'PCHK001', messageTime: '20261124081000' }))).code).toBe('AA');
    expect(await historyOf(today[0])).toHaveLength(3);
  });

  it('an arrival for a patient we do not know: AA with a warning, nothing changes', async () => {
    const before = await q('SELECT count(*)::int AS n FROM study_transitions');
    const answer = await send(adt({ event: 'A10', controlId: 'CHKA10C', patientId: 'PCHKNOBODY', messageTime: '20261124080500' }));
    expect(answer.code).toBe('AA');
    expect(answer.errs.join('\n')).toMatch(/\|204\^Unknown key identifier\^HL70357\|W\|.*patient unknown/);
    expect(await q('SELECT count(*)::int AS n FROM study_transitions')).toEqual(before);
  });

  it('the use case checks in by order and undoes it; an unknown order is refused', async () => {
    const accession = await order('PCHK002', '20261124093000');
    const source = { kind: 'user' as const, ref: 'desk-1' };
    expect(await runUseCase(h.uow, checkIn, { by: 'order', accessionNumber: accession }, source)).toEqual({ checkedIn: 1, unchanged: 0 });
    expect(await stateOf(accession)).toEqual({ status: 'ARRIVED', study_status: 'arrived' });
    expect(await runUseCase(h.uow, checkIn, { by: 'order', accessionNumber: accession, undo: true }, source)).toEqual({ checkedIn: 1, unchanged: 0 });
    expect(await stateOf(accession)).toEqual({ status: 'SCHEDULED', study_status: 'scheduled' });
    expect((await historyOf(accession)).slice(1)).toEqual([
      'step SCHEDULED>ARRIVED check-in user', 'study scheduled>arrived check-in user',
      'step ARRIVED>SCHEDULED check-in.undone user', 'study arrived>scheduled check-in.undone user',
    ]);
    await expect(runUseCase(h.uow, checkIn, { by: 'order', accessionNumber: 'NOSUCHACC' }, source)).rejects.toMatchObject({ code: 'UNKNOWN_ORDER' });
  });
});
