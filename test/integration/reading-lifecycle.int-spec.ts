import { claimStudy, releaseStudy, runUseCase } from '@radflow/domain';
import { omiO23 } from '@radflow/testing';
import { IngestHarness, openIngestHarness } from '../support/ingest-harness';

/**
 * Claim and release on real Postgres, as the reading worklist will call them: only an acquired
 * study can be claimed, a release gives it back, and both leave study history rows with the user
 * as the source. Synthetic patients only.
 */
let h: IngestHarness;
let seq = 0;

beforeAll(async () => (h = await openIngestHarness('int-reading')));
afterAll(async () => h?.close());

const q = (text: string, params: unknown[] = []) => h.q(text, params);
const send = async (text: string) => (await h.send(text)).code;

async function study(completed: boolean): Promise<string> {
  const n = ++seq;
  const o = { patientId: `PREAD${n}`, accession: `READ${n}${process.pid}`.slice(0, 16), requestedProcedureId: `RPREAD${n}`, spsId: `SPSREAD${n}`, studyInstanceUid: `2.25.${process.pid}${Date.now()}${n}`, placerOrderNumber: `PLREAD${n}^RIS` };
  expect(await send(omiO23({ controlId: `READNW${n}`, ...o }))).toBe('AA');
  if (completed) expect(await send(omiO23({ controlId: `READCM${n}`, ...o, orderControl: 'SC', orderStatus: 'CM' }))).toBe('AA');
  return (await q('SELECT id FROM requested_procedures WHERE study_instance_uid = $1', [o.studyInstanceUid]))[0].id;
}
const studyHistory = async (ref: string) =>
  (await q(`SELECT from_status, to_status, event, source_kind, source_ref FROM study_transitions WHERE procedure_ref = $1 AND scope = 'study' ORDER BY id`, [ref])).map((r) => `${r.from_status}>${r.to_status} ${r.event} ${r.source_kind}:${r.source_ref}`);

describe('reading claim and release drive the study lifecycle', () => {
  const reader = { kind: 'user' as const, ref: 'radiologist-7' };

  it('claims a completed study (being read) and releases it (completed again)', async () => {
    const ref = await study(true);
    expect(await runUseCase(h.uow, claimStudy, { studyRef: ref }, reader)).toMatchObject({ changed: true, from: 'completed', to: 'being_read' });
    expect(await runUseCase(h.uow, releaseStudy, { studyRef: ref }, reader)).toMatchObject({ changed: true, from: 'being_read', to: 'completed' });
    expect((await studyHistory(ref)).slice(-2)).toEqual(['completed>being_read reading.claimed user:radiologist-7', 'being_read>completed reading.released user:radiologist-7']);
  });

  it('refuses to claim a study not acquired yet, changing nothing', async () => {
    const ref = await study(false);
    await expect(runUseCase(h.uow, claimStudy, { studyRef: ref }, reader)).rejects.toMatchObject({ code: 'INVALID_TRANSITION', message: 'study is scheduled: not acquired yet' });
    expect(await studyHistory(ref)).toEqual([]);
    await expect(runUseCase(h.uow, claimStudy, { studyRef: '00000000-0000-4000-8000-000000000000' }, reader)).rejects.toMatchObject({ code: 'UNKNOWN_STUDY' });
  });
});
