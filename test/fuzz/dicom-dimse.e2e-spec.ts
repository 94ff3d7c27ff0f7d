import { performance } from 'node:perf_hooks';
import { omiO23 } from '@radflow/testing';
import { sendRaw } from '../support/hl7-peers';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { dicomCase } from './dicom-cases';
import { playDicomCase } from './dicom-play';
import { judgeDicomCase } from './dicom-verdicts';
import { caseIndexes, fuzzConfig } from './fuzz-config';
import { FuzzReport } from './fuzz-report';
import { healthStatus, openServerSockets, pgSessions, rssMb, settle } from './process-probes';

/**
 * Fuzzes the running process over the DICOM Upper Layer: mutated A-ASSOCIATE-RQs (lengths, item
 * types, AE titles, presentation contexts), then P-DATA-TF with mutated command sets, PDVs and MWL
 * C-FIND identifiers (VRs, lengths, nesting, odd lengths, huge values, charset terms). Every case
 * must end in an answer (a DIMSE status, A-ASSOCIATE-RJ, A-ABORT or a clean close) before its
 * deadline, and the process must stay healthy, bounded in memory, with nothing left open.
 */
const config = fuzzConfig('dicom');
const CONNECTIONS = Number(process.env.FUZZ_CONNECTIONS ?? 4);
const CASE_DEADLINE_MS = 30_000;
const HEALTH_EVERY = 100;
const RSS_GROWTH_LIMIT_MB = 300;
const replay = (index: number): string => `FUZZ_SEED=${config.seed} FUZZ_CASE=${index} npx jest test/fuzz/dicom-dimse.e2e-spec.ts --selectProjects integration`;

/** Worklist rows for the queries to find, with names that need more than one character repertoire. */
const WORKLIST_NAMES = ['TESTPERSON^ALEX^J', 'MÜLLER-LÜDENSCHEIDT^ZOË', 'Ōtani^Shoko=大谷^翔子', 'ΔΟΚΙΜΗ^ΑΛΦΑ', 'ТЕСТОВА^АННА', 'SYNTH^Z'];

describe(`DICOM Upper Layer and MWL C-FIND fuzz (seed ${config.seed})`, () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let rssBefore = 0;
  const report = new FuzzReport('dicom', config.seed, config.outDir);
  const unhealthyAfter: number[] = [];

  beforeAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`fuzz dicom: seed ${config.seed}, ${config.only ?? config.cases} ${config.only === undefined ? 'cases' : '(single case)'}; replay with FUZZ_SEED=${config.seed}`);
    db = await createScratchDatabase();
    // Answers in a narrow repertoire for some callers, so names that do not fit it are part of the run.
    radflow = await startRadflow({ DATABASE_URL: db.url, LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'error', HL7_STATION_AE_BY_MODALITY: 'MR=MR_3T', MWL_CHARSET_BY_AE: 'CT01=ISO_IR 100,MR01=ISO_IR 6' });
    for (const [i, name] of WORKLIST_NAMES.entries()) {
      const ack = await sendRaw(radflow.hl7Port, Buffer.from(omiO23({ accession: `DW${i}`, patientId: `DWP${i}`, name, studyInstanceUid: `2.25.7${i}`, spsId: `DWS${i}`, requestedProcedureId: `DWR${i}`, modality: i % 2 ? 'MR' : 'CT', start: `2026112${4 + (i % 3)}093000` }), 'utf8'));
      expect(ack.toString('latin1')).toContain('MSA|AA');
    }
    rssBefore = rssMb(radflow.child.pid!);
  });
  afterAll(async () => {
    report.process.logTail = report.failures.length ? radflow?.output().slice(-4000) : undefined;
    report.finish();
    await radflow?.stop();
    await db?.drop();
  });

  it('answers every case before its deadline, with a status for every request it can read', async () => {
    const queue = caseIndexes(config);
    let done = 0;
    const worker = async (): Promise<void> => {
      for (let index = queue.shift(); index !== undefined && radflow.child.exitCode === null; index = queue.shift()) {
        const c = dicomCase(config.seed, index);
        const started = performance.now();
        const result = await playDicomCase(radflow.dicomPort, c, CASE_DEADLINE_MS);
        report.took(index, performance.now() - started, [...c.labels, ...(result.exchange?.labels ?? [])].join(' + '));
        judgeDicomCase(c, result, report, replay(index));
        if (++done % HEALTH_EVERY === 0 && (await healthStatus(radflow.httpPort)) !== 200) unhealthyAfter.push(done);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    if ((await healthStatus(radflow.httpPort)) !== 200) unhealthyAfter.push(done);
    expect(report.failures.map((f) => `[${f.invariant}] case ${f.caseIndex}: ${f.detail.slice(0, 300)}`)).toEqual([]);
  }, config.long ? 24 * 3600_000 : 15 * 60_000);

  it('stays alive and healthy after every batch of cases', () => {
    report.process.unhealthyAfterCase = unhealthyAfter;
    expect(radflow.child.exitCode).toBeNull();
    expect(unhealthyAfter).toEqual([]);
  });

  it('keeps its memory bounded', () => {
    const after = rssMb(radflow.child.pid!);
    Object.assign(report.process, { rssBeforeMb: rssBefore, rssAfterMb: after });
    expect(after - rssBefore).toBeLessThanOrEqual(RSS_GROWTH_LIMIT_MB);
  });

  it('leaves no DICOM connection or database transaction open', async () => {
    const sockets = await settle(() => openServerSockets(radflow.dicomPort));
    const sessions = await settle(() => pgSessions(db.url));
    Object.assign(report.process, { openDicomSockets: sockets, idleInTransaction: sessions });
    expect(sockets).toEqual({});
    expect(sessions).toEqual({});
  });
});
