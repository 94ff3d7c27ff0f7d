import { omiO23, oruR01 } from '@radflow/testing';
import { findscu } from '../support/dcmtk';
import { LiveRadflow, openLiveRadflow } from '../support/live-radflow';
import { ackCodeOf } from '../support/mllp-test-client';
import { completedDataset, inProgressDataset, testUid } from '../support/mpps-datasets';
import { mppsExchange } from '../support/mpps-scu';

/**
 * One study through its whole life against the built process, each step over its own wire and
 * peer: the order over MLLP, the worklist through DCMTK findscu, the exam through dcmjs-dimse's
 * MPPS, the reports over MLLP again. After each step the history holds exactly the rows it should.
 */
describe('a study from order to corrected report (e2e)', () => {
  let live: LiveRadflow;
  const q = (text: string, params: unknown[] = []) => live.q(text, params);

  beforeAll(async () => (live = await openLiveRadflow()));
  afterAll(async () => live?.close());

  const order = { accessionNumber: 'FLOWACC1', requestedProcedureId: 'FLOWRP1', spsId: 'FLOWSPS1', studyInstanceUid: testUid() };
  const keys = { patientId: 'PFLOW0001', placerOrderNumber: 'PLFLOW1^RIS', fillerOrderNumber: 'FLFLOW1^RADFLOW' };

  const send = async (text: string) => ackCodeOf(await live.hl7.send(Buffer.from(text)));
  const offered = async () => {
    const r = await findscu({ port: live.radflow.dicomPort, calledAe: 'RADFLOW', callingAe: 'CT01' }, [`AccessionNumber=${order.accessionNumber}`, 'PatientName', '(0040,0100)[0].ScheduledProcedureStepID']);
    expect(r.run.code).toBe(0);
    return r.dumps.length;
  };
  const history = async () =>
    (await q(
      `SELECT t.scope, t.from_status, t.to_status, t.event, t.source_kind FROM study_transitions t
         JOIN requested_procedures r ON r.id = t.procedure_ref WHERE r.study_instance_uid = $1 ORDER BY t.id`,
      [order.studyInstanceUid],
    )).map((r) => `${r.scope} ${r.from_status ?? '-'}>${r.to_status} ${r.event} ${r.source_kind}`);
  const reports = async () => (await q(`SELECT r.version, r.status FROM reports r JOIN requested_procedures p ON p.id = r.procedure_ref WHERE p.study_instance_uid = $1 ORDER BY r.version`, [order.studyInstanceUid])).map((r) => `${r.version}:${r.status}`);
  const report = (status: string, n: number) =>
    oruR01({ controlId: `FLOWORU${n}`, status, patientId: keys.patientId, accession: order.accessionNumber, fillerOrderNumber: keys.fillerOrderNumber, placerOrderNumber: keys.placerOrderNumber, lines: [`Report ${status}.`, 'No acute findings.'] });

  it('order → worklist → MPPS in progress → completed → preliminary → final → corrected, with the history at each step', async () => {
    const expected: string[] = [];
    const next = async (...rows: string[]) => {
      expected.push(...rows);
      expect(await history()).toEqual(expected);
    };

    expect(await send(omiO23({ controlId: 'FLOWNW1', ...keys, accession: order.accessionNumber, requestedProcedureId: order.requestedProcedureId, spsId: order.spsId, studyInstanceUid: order.studyInstanceUid }))).toBe('AA');
    expect(await offered()).toBe(1);
    await next('step ->SCHEDULED order.placed hl7');

    const ppsUid = testUid();
    const [created] = await mppsExchange(live.mpps, [{ kind: 'create', instanceUid: ppsUid, attributes: inProgressDataset([order], { PatientID: keys.patientId }) }]);
    expect(created.status).toBe(0);
    expect(await offered()).toBe(0);
    await next('step SCHEDULED>STARTED performed.started dicom', 'study scheduled>in_progress performed.started dicom');

    const [done] = await mppsExchange(live.mpps, [{ kind: 'set', instanceUid: ppsUid, attributes: completedDataset(2) }]);
    expect(done.status).toBe(0);
    await next('step STARTED>COMPLETED performed.completed dicom', 'study in_progress>completed performed.completed dicom');

    expect(await send(report('P', 1))).toBe('AA');
    await next('study completed>preliminary report.preliminary hl7');
    expect(await send(report('F', 2))).toBe('AA');
    await next('study preliminary>final report.final hl7');
    expect(await send(report('C', 3))).toBe('AA');
    await next('study final>corrected report.corrected hl7');

    expect(await reports()).toEqual(['1:preliminary', '2:final', '3:corrected']);
    expect(await offered()).toBe(0);
    const [study] = await q('SELECT study_status FROM requested_procedures WHERE study_instance_uid = $1', [order.studyInstanceUid]);
    expect(study.study_status).toBe('corrected');
  });

  it('refuses a cancel once the images exist (AE) and changes nothing', async () => {
    const before = await history();
    const cancel = omiO23({ controlId: 'FLOWCA1', ...keys, orderControl: 'CA', orderStatus: 'CA', accession: order.accessionNumber, requestedProcedureId: order.requestedProcedureId, spsId: order.spsId, studyInstanceUid: order.studyInstanceUid });
    expect(await send(cancel)).toBe('AE');
    expect(await history()).toEqual(before);
  });
});
