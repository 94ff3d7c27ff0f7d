import { omiO23 } from '@radflow/testing';
import { LiveRadflow, openLiveRadflow } from '../support/live-radflow';
import { ackCodeOf } from '../support/mllp-test-client';
import { completedDataset, inProgressDataset, StepReference, testUid } from '../support/mpps-datasets';
import { nCreate, nSet } from '../support/mpps-scu';

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 100);

/**
 * The same step, two events at once from two wires: the modality's N-SET COMPLETED (dcmjs-dimse)
 * and the RIS's cancel (HL7 over MLLP), against the built process on real Postgres. Every round,
 * exactly one wins, the other gets its own wire's refusal, and the history is one unbroken chain.
 * The cancel leaves after a random delay so that either side can be first.
 */
describe('lifecycle race: MPPS COMPLETED against an HL7 cancel (e2e)', () => {
  let live: LiveRadflow;
  const q = (text: string, params: unknown[] = []) => live.q(text, params);
  const hl7 = { send: (bytes: Buffer) => live.hl7.send(bytes) };

  beforeAll(async () => (live = await openLiveRadflow()));
  afterAll(async () => live?.close());

  async function scheduled(round: number): Promise<StepReference & { patientId: string }> {
    const ref = { accessionNumber: `RACE${round}`, requestedProcedureId: `RPR${round}`, spsId: `SPSR${round}`, studyInstanceUid: testUid(), patientId: `PRACE${round}` };
    const text = omiO23({ controlId: `RACENW${round}`, patientId: ref.patientId, accession: ref.accessionNumber, requestedProcedureId: ref.requestedProcedureId, spsId: ref.spsId, studyInstanceUid: ref.studyInstanceUid, placerOrderNumber: `PLR${round}^RIS` });
    expect(ackCodeOf(await hl7.send(Buffer.from(text)))).toBe('AA');
    return ref;
  }

  const cancel = (ref: StepReference & { patientId: string }, round: number) =>
    omiO23({ controlId: `RACECA${round}`, patientId: ref.patientId, orderControl: 'CA', orderStatus: 'CA', accession: ref.accessionNumber, requestedProcedureId: ref.requestedProcedureId, spsId: ref.spsId, studyInstanceUid: ref.studyInstanceUid, placerOrderNumber: `PLR${round}^RIS` });

  it(`${ROUNDS} rounds: one winner each, the loser refused on its wire, the history consistent`, async () => {
    const wins = { mpps: 0, hl7: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const ref = await scheduled(round);
      const ppsUid = testUid();
      expect((await nCreate(live.mpps, ppsUid, inProgressDataset([ref], { PatientID: ref.patientId }))).status).toBe(0);
      // dcmjs-dimse opens an association for the N-SET first (50-90 ms here): the cancel waits
      // 0-100 ms, so that either can reach the database first
      const delay = Math.floor(Math.random() * 100);
      const [set, ack] = await Promise.all([
        nSet(live.mpps, ppsUid, completedDataset()),
        new Promise((r) => setTimeout(r, delay)).then(() => hl7.send(Buffer.from(cancel(ref, round)))),
      ]);
      const ackCode = ackCodeOf(ack);
      const [step] = await q(`SELECT s.id, s.status, r.id AS procedure_ref, r.study_status FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref WHERE s.sps_id = $1`, [ref.spsId]);
      const pps = (await q('SELECT status FROM performed_procedure_steps WHERE sop_instance_uid = $1', [ppsUid]))[0].status;
      const history = await q(`SELECT scope, from_status, to_status, event FROM study_transitions WHERE procedure_ref = $1 AND scope <> 'flag' ORDER BY id`, [step.procedure_ref]);
      const outcome = { round, delay, nset: set.status, ack: ackCode, step: step.status, study: step.study_status, pps };
      if (set.status === 0) {
        wins.mpps++;
        expect(outcome).toMatchObject({ nset: 0, ack: 'AE', step: 'COMPLETED', study: 'completed', pps: 'COMPLETED' });
      } else {
        wins.hl7++;
        expect(outcome).toMatchObject({ nset: 0x0110, ack: 'AA', step: 'DISCONTINUED', study: 'discontinued', pps: 'IN PROGRESS' });
      }
      expectUnbrokenChains(history, step.status, step.study_status);
      const last = history.filter((h) => h.scope === 'step').at(-1);
      expect(last.event).toBe(set.status === 0 ? 'performed.completed' : 'order.cancelled');
    }
    console.log(`lifecycle race: ${ROUNDS} rounds, MPPS won ${wins.mpps}, HL7 cancel won ${wins.hl7}`);
    expect(wins.mpps + wins.hl7).toBe(ROUNDS);
  }, 300_000);
});

/** Each scope's rows chain: every row starts where the one before it ended, and the last ends where the row is now. */
function expectUnbrokenChains(history: { scope: string; from_status: string | null; to_status: string }[], stepNow: string, studyNow: string): void {
  for (const [scope, now] of [['step', stepNow], ['study', studyNow]] as const) {
    const rows = history.filter((h) => h.scope === scope);
    for (let i = 1; i < rows.length; i++) expect(rows[i].from_status).toBe(rows[i - 1].to_status);
    expect(rows.at(-1)?.to_status).toBe(now);
  }
  expect(history.filter((h) => h.scope === 'step')[0]).toMatchObject({ from_status: null, to_status: 'SCHEDULED' });
}
