import { Client } from 'pg';
import { insertMwlItem, MwlItemSpec } from '../../libs/testing/src/factories/mwl-rows';
import { findscu } from '../support/dcmtk';
import { mppsExchange, MppsTarget, nCreate, nSet } from '../support/mpps-scu';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * The MPPS SCP of the built process with dcmjs-dimse as the modality, DCMTK findscu as the
 * worklist client and real Postgres behind: every status the SCP answers, the group, append and
 * unscheduled cases, and what the worklist and the history show afterwards. Synthetic patients only.
 */
describe('MPPS N-CREATE / N-SET (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Client;
  let target: MppsTarget;
  let seq = 0;
  const id = () => `${Date.now().toString(36).slice(-5)}${++seq}`.toUpperCase();
  const uid = () => `2.25.${Date.now()}${++seq}${Math.floor(Math.random() * 1e6)}`;
  const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

  beforeAll(async () => {
    db = await createScratchDatabase();
    // debug: every MPPS operation logs a line, so the PHI check at the end can fail
    radflow = await startRadflow({ DATABASE_URL: db.url, LOG_LEVEL: 'debug' });
    target = { port: radflow.dicomPort, callingAe: 'CT01' };
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  interface Item { accession: string; rpId: string; spsId: string; studyUid: string; stepRef: string; procedureRef: string }
  const PATIENT_NAMES = new Set<string>();

  async function order(spec: Partial<MwlItemSpec> = {}): Promise<Item> {
    const n = id();
    const item = { accessionNumber: `MPPS${n}`, requestedProcedureId: `RP${n}`, spsId: `SPS${n}`, studyInstanceUid: uid(), patientId: `PMPPS${n}`, patientName: `MPPSTEST^PERSON${n}`, stationAeTitles: ['CT01'], ...spec };
    PATIENT_NAMES.add(String(item.patientName));
    const refs = await insertMwlItem(sql, item);
    return { accession: item.accessionNumber, rpId: item.requestedProcedureId, spsId: item.spsId, studyUid: item.studyInstanceUid, stepRef: refs.stepRef, procedureRef: refs.procedureRef };
  }

  const reference = (i: Item) => ({ StudyInstanceUID: i.studyUid, AccessionNumber: i.accession, RequestedProcedureID: i.rpId, ScheduledProcedureStepID: i.spsId, ReferencedStudySequence: [], ScheduledProtocolCodeSequence: [] });

  /** An N-CREATE data set as a modality sends it (IHE RAD-6). */
  const inProgress = (refs: object[], extra: Record<string, unknown> = {}) => ({
    SpecificCharacterSet: 'ISO_IR 100',
    ScheduledStepAttributesSequence: refs,
    PatientName: 'MPPSTEST^MODALITY', PatientID: 'PMODALITY', PatientBirthDate: '19700101', PatientSex: 'O',
    PerformedProcedureStepID: `PPS${id()}`, PerformedStationAETitle: 'CT01', PerformedStationName: 'CT ROOM 1', PerformedLocation: '',
    PerformedProcedureStepStartDate: '20261204', PerformedProcedureStepStartTime: '101500', PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepDescription: 'CT chest', PerformedProcedureTypeDescription: '', ProcedureCodeSequence: [],
    PerformedProcedureStepEndDate: '', PerformedProcedureStepEndTime: '', Modality: 'CT', StudyID: 'S1', PerformedProtocolCodeSequence: [], PerformedSeriesSequence: [],
    ...extra,
  });

  const series = (count: number) => Array.from({ length: count }, (_, i) => ({
    PerformingPhysicianName: '', OperatorsName: 'TECH^ONE', ProtocolName: 'CHEST ROUTINE', SeriesInstanceUID: uid(), SeriesDescription: `series ${i}`, RetrieveAETitle: 'PACS',
    ReferencedImageSequence: [{ ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2', ReferencedSOPInstanceUID: uid() }], ReferencedNonImageCompositeSOPInstanceSequence: [],
  }));
  const completed = (n = 1) => ({ PerformedProcedureStepStatus: 'COMPLETED', PerformedProcedureStepEndDate: '20261204', PerformedProcedureStepEndTime: '103000', PerformedSeriesSequence: series(n) });
  const discontinued = () => ({ PerformedProcedureStepStatus: 'DISCONTINUED', PerformedProcedureStepEndDate: '20261204', PerformedProcedureStepEndTime: '102000', PerformedSeriesSequence: [],
    PerformedProcedureStepDiscontinuationReasonCodeSequence: [{ CodeValue: '110514', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Incorrect worklist entry selected' }] });

  const worklist = async (accession: string) => {
    const r = await findscu({ port: radflow.dicomPort, calledAe: 'RADFLOW', callingAe: 'CT01' }, [`AccessionNumber=${accession}`, 'PatientName', '(0040,0100)[0].ScheduledProcedureStepID']);
    expect(r.run.code).toBe(0);
    return r.dumps.length;
  };
  const stepStatus = async (ref: string) => (await q('SELECT status FROM scheduled_procedure_steps WHERE id = $1', [ref]))[0].status;
  const history = (procedureRef: string) => q(`SELECT scope, event, from_status, to_status, source_kind, source_ref FROM study_transitions WHERE procedure_ref = $1 ORDER BY id`, [procedureRef]);
  const performed = async (instanceUid: string) => (await q('SELECT * FROM performed_procedure_steps WHERE sop_instance_uid = $1', [instanceUid]))[0];

  it('N-CREATE starts the step: 0000 with the instance UID, gone from the MWL, history performed.started from dicom', async () => {
    const item = await order();
    expect(await worklist(item.accession)).toBe(1);
    const ppsUid = uid();
    const answer = await nCreate(target, ppsUid, inProgress([reference(item)]));
    expect(answer).toMatchObject({ status: 0x0000, affectedSopInstanceUid: ppsUid });
    expect(await worklist(item.accession)).toBe(0);
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
    const rows = await history(item.procedureRef);
    expect(rows).toEqual([
      expect.objectContaining({ scope: 'step', event: 'performed.started', from_status: 'SCHEDULED', to_status: 'STARTED', source_kind: 'dicom' }),
      expect.objectContaining({ scope: 'study', event: 'performed.started', from_status: 'scheduled', to_status: 'in_progress', source_kind: 'dicom' }),
    ]);
    const row = await performed(ppsUid);
    expect(rows[0].source_ref).toBe(row.association_id);
    expect(row).toMatchObject({ status: 'IN PROGRESS', modality: 'CT', performed_station_ae_title: 'CT01', needs_reconciliation: false });
    // the whole data set is kept, sequences included
    expect(row.attributes['00400270'].Value[0]['00080050']).toEqual({ vr: 'SH', Value: [item.accession] });
    expect(row.attributes['00100010'].Value[0]).toEqual({ Alphabetic: 'MPPSTEST^MODALITY' });
  });

  it('N-SET COMPLETED completes step and study (history performed.completed); a later N-SET is 0110 with Error ID A710', async () => {
    const item = await order();
    const ppsUid = uid();
    const [created, progress, done, again] = await mppsExchange(target, [
      { kind: 'create', instanceUid: ppsUid, attributes: inProgress([reference(item)]) },
      { kind: 'set', instanceUid: ppsUid, attributes: { PerformedSeriesSequence: series(1) } },
      { kind: 'set', instanceUid: ppsUid, attributes: completed(2) },
      { kind: 'set', instanceUid: ppsUid, attributes: completed(3) },
    ]);
    expect([created.status, progress.status, done.status]).toEqual([0, 0, 0]);
    expect(again).toMatchObject({ status: 0x0110, errorId: 0xa710, errorComment: 'Performed Procedure Step Object may no longer be updated' });
    expect(await stepStatus(item.stepRef)).toBe('COMPLETED');
    const events = (await history(item.procedureRef)).map((r) => `${r.scope}:${r.event}:${r.to_status}:${r.source_kind}`);
    expect(events).toEqual(['step:performed.started:STARTED:dicom', 'study:performed.started:in_progress:dicom', 'step:performed.completed:COMPLETED:dicom', 'study:performed.completed:completed:dicom']);
    const row = await performed(ppsUid);
    expect(row.status).toBe('COMPLETED');
    expect(row.performed_series).toHaveLength(2);
    expect(row.performed_series[0]).toMatchObject({ protocolName: 'CHEST ROUTINE', retrieveAeTitle: 'PACS', imageCount: 1 });
  });

  it('N-SET after DISCONTINUED is 0110 with Error ID A710; nothing acquired discontinues the step', async () => {
    const item = await order();
    const ppsUid = uid();
    expect((await nCreate(target, ppsUid, inProgress([reference(item)]))).status).toBe(0);
    expect((await nSet(target, ppsUid, discontinued())).status).toBe(0);
    expect(await stepStatus(item.stepRef)).toBe('DISCONTINUED');
    expect((await performed(ppsUid)).discontinuation_reason).toEqual({ value: '110514', scheme: 'DCM', meaning: 'Incorrect worklist entry selected' });
    expect(await nSet(target, ppsUid, completed())).toMatchObject({ status: 0x0110, errorId: 0xa710 });
  });

  it('N-CREATE without an Affected SOP Instance UID: we make one and answer it', async () => {
    const item = await order();
    const answer = await nCreate(target, undefined, inProgress([reference(item)]));
    expect(answer.status).toBe(0);
    expect(answer.affectedSopInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(await performed(answer.affectedSopInstanceUid!)).toMatchObject({ status: 'IN PROGRESS' });
  });

  it('answers 0111 to an N-CREATE for an instance that exists, and 0112 to an N-SET for one that does not', async () => {
    const item = await order();
    const ppsUid = uid();
    expect((await nCreate(target, ppsUid, inProgress([reference(item)]))).status).toBe(0);
    expect((await nCreate(target, ppsUid, inProgress([reference(item)]))).status).toBe(0x0111);
    expect((await nSet(target, uid(), completed())).status).toBe(0x0112);
  });

  it('answers 0120 to a missing type 1 attribute and 0121 to an empty one, naming it in the Attribute Identifier List', async () => {
    const item = await order();
    const { Modality: _, ...noModality } = inProgress([reference(item)]);
    expect(await nCreate(target, uid(), noModality)).toMatchObject({ status: 0x0120, attributeIdentifierList: [0x00080060] });
    expect(await nCreate(target, uid(), inProgress([reference(item)], { PerformedStationAETitle: '' }))).toMatchObject({ status: 0x0121, attributeIdentifierList: [0x00400241] });
    expect(await stepStatus(item.stepRef)).toBe('SCHEDULED');
  });

  it('answers 0106 to an N-CREATE not IN PROGRESS, an N-SET status outside the three, and a changed fixed attribute; an identical one is accepted', async () => {
    const item = await order();
    expect(await nCreate(target, uid(), inProgress([reference(item)], { PerformedProcedureStepStatus: 'COMPLETED' }))).toMatchObject({ status: 0x0106, attributeIdentifierList: [0x00400252] });
    const ppsUid = uid();
    expect((await nCreate(target, ppsUid, inProgress([reference(item)]))).status).toBe(0);
    expect(await nSet(target, ppsUid, { PerformedProcedureStepStatus: 'FINISHED' })).toMatchObject({ status: 0x0106, attributeIdentifierList: [0x00400252] });
    expect(await nSet(target, ppsUid, { Modality: 'MR' })).toMatchObject({ status: 0x0106, attributeIdentifierList: [0x00080060] });
    expect(await nSet(target, ppsUid, { ScheduledStepAttributesSequence: [{ ...reference(item), AccessionNumber: 'OTHER' }] })).toMatchObject({ status: 0x0106, attributeIdentifierList: [0x00400270] });
    expect((await nSet(target, ppsUid, { Modality: 'CT', PerformedProcedureStepStartDate: '20261204', ...completed() })).status).toBe(0);
    expect(await stepStatus(item.stepRef)).toBe('COMPLETED');
  });

  it('group case: one performed step for two orders starts and completes both', async () => {
    const [a, b] = [await order(), await order()];
    const ppsUid = uid();
    expect((await nCreate(target, ppsUid, inProgress([reference(a), reference(b)]))).status).toBe(0);
    expect([await worklist(a.accession), await worklist(b.accession)]).toEqual([0, 0]);
    expect((await nSet(target, ppsUid, completed())).status).toBe(0);
    expect([await stepStatus(a.stepRef), await stepStatus(b.stepRef)]).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it('append case: the step completes once one of its performed steps completed and none is in progress', async () => {
    const item = await order();
    const [first, second] = [uid(), uid()];
    expect((await nCreate(target, first, inProgress([reference(item)]))).status).toBe(0);
    expect((await nCreate(target, second, inProgress([reference(item)]))).status).toBe(0);
    expect((await nSet(target, first, completed())).status).toBe(0);
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
    expect((await nSet(target, second, discontinued())).status).toBe(0);
    expect(await stepStatus(item.stepRef)).toBe('COMPLETED');
  });

  it('unscheduled case: accepted, kept with the modality patient for reconciliation; an unknown accession is a mismatch', async () => {
    const unscheduledUid = uid();
    const studyUid = uid();
    const noKeys = [{ StudyInstanceUID: studyUid, AccessionNumber: '', RequestedProcedureID: '', ScheduledProcedureStepID: '', ReferencedStudySequence: [] }];
    expect((await nCreate(target, unscheduledUid, inProgress(noKeys))).status).toBe(0);
    expect(await performed(unscheduledUid)).toMatchObject({ needs_reconciliation: true, reconciliation_reason: 'unscheduled', patient_id: 'PMODALITY', patient_name: 'MPPSTEST^MODALITY', study_instance_uid: studyUid });
    const mismatchUid = uid();
    expect((await nCreate(target, mismatchUid, inProgress([{ ...noKeys[0], AccessionNumber: `NOSUCH${id()}` }]))).status).toBe(0);
    expect(await performed(mismatchUid)).toMatchObject({ needs_reconciliation: true, reconciliation_reason: 'no matching step for accession' });
    expect((await nSet(target, unscheduledUid, completed())).status).toBe(0);
    expect((await q('SELECT count(*)::int AS n FROM performed_step_links l JOIN performed_procedure_steps p ON p.id = l.performed_ref WHERE p.sop_instance_uid = ANY($1)', [[unscheduledUid, mismatchUid]]))[0].n).toBe(0);
  });

  it('accepts an MPPS for a cancelled order and leaves the order cancelled', async () => {
    const item = await order({ status: 'CANCELED' });
    const ppsUid = uid();
    expect((await nCreate(target, ppsUid, inProgress([reference(item)]))).status).toBe(0);
    expect(await stepStatus(item.stepRef)).toBe('CANCELED');
    expect(await performed(ppsUid)).toMatchObject({ needs_reconciliation: true, reconciliation_reason: 'order called off' });
  });

  it('logged each operation without patient data', () => {
    const out = radflow.output();
    expect(out).toContain('mpps.started');
    expect(out).toContain('mpps.updated');
    for (const name of [...PATIENT_NAMES, 'MPPSTEST^MODALITY', 'PMODALITY']) expect(out).not.toContain(name);
    expect(out).not.toMatch(/MPPS[0-9A-Z]{5,}/); // accession numbers
  });
});
