import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandField, createDataset, DicomDataset, getSequence, getString, isPending, PduType, queryOptionsInfo, setSequence, setString, SopClass, Tags } from '@radflow/dicom';
import type { AssociateAcPdu } from '@radflow/dicom';
import { TestScu } from '../../libs/dicom/src/dimse/test-scu.fixture';
import { FindTarget, run, startWlmscpfs, Wlmscpfs } from '../support/dcmtk';
import { mllpSend, parseAck } from '../support/hl7-peers';
import { Orthanc, startOrthanc } from '../support/orthanc';
import { RadflowProcess, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { FIRST_DAY, generateWorklist, orderMessage, prng, WorklistItem, writeWorklistFiles } from '../support/worklist-files';

/**
 * Seeded random differential test: one synthetic worklist served by Radflow (import-worklist of
 * the .wl files, every 8th item over HL7 instead, some of those cancelled), DCMTK wlmscpfs and
 * Orthanc's worklist plugin (both reading the .wl files of the items still scheduled), and random
 * findscu queries over station AE, patient ID, SPS start date and time ranges, modality,
 * accession and name prefixes. Answers are compared by accession + SPS ID.
 *
 * Every query's answers must be what the matching rules of mwl-cfind.md give for the generated
 * items (`matches`, date and time each on its own), from all three. Where a peer differs on
 * purpose, its expected set comes from that peer's rule below, so each difference is asserted
 * query by query and a peer that changes shows up:
 * - wlmscpfs matches person names case-sensitively; Radflow (MWL_NAME_MATCH=insensitive, the
 *   default) and Orthanc do not;
 * - wlmscpfs does no wild-card matching outside PN and SH: a `*`/`?` in the station AE (AE) or
 *   Patient ID (LO) gets no answers from it;
 * - wlmscpfs combines SPS Start Date and Time into one date-time range whenever the two keys
 *   have the same shape (`startMatches`, 'dcmtk'), with no extended negotiation (it has none);
 *   Radflow and Orthanc match them each on its own, as PS3.4 C.2.2.2.5 asks unless the SCU
 *   negotiated combined matching;
 * - Orthanc matches a station AE key against the whole stored value, so an item scheduled on
 *   `MG01\\MG02` is not found by `MG01`; Radflow and wlmscpfs match any one of the values
 *   (mwl-cfind.md §2, multi-valued stored attributes);
 * - Orthanc compares TM keys as strings: `-1530` leaves out 15:30:00 (`153000` > `1530`) and a
 *   single `1530` finds nothing stored as `153000`; Radflow reads a bound at its precision
 *   (`1530` is 15:30:00-15:30:59), as wlmscpfs does for 15:30:00.
 * Combined date-time matching, which no findscu can ask for, is checked with a raw SCU that sends
 * the SOP Class Extended Negotiation sub-item.
 *
 * The seed is printed; MWL_DIFF_SEED=<n> replays a run.
 */
const SEED = Number(process.env.MWL_DIFF_SEED ?? 8_2026);
const ITEMS = 300;
const QUERIES = 120;
const AE = 'MWLRAND';
const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');
const MWL = SopClass.ModalityWorklistInformationModelFind;

const items = generateWorklist(ITEMS, SEED);
const live = items.filter((i) => i.status === 'SCHEDULED');


/** One random query: at most one value per kind of key; absent = not sent (universal). */
interface Query {
  ae?: string;
  patientId?: string;
  date?: string;
  time?: string;
  modality?: string;
  accession?: string;
  name?: string;
}
type Kind = keyof Query;

const STATIONS = ['CT01', 'CT02', 'CT03', 'MR01', 'MR02', 'US01', 'CR01', 'DX01', 'MG01', 'NM01'];
const AE_PATTERNS = ['CT*', 'MR*', '?R01', 'C?0*', '*01'];
const MODALITIES = ['CT', 'MR', 'US', 'CR', 'DX', 'MG', 'NM'];
const NAME_PREFIXES = ['SMI', 'SM', 'LEE', 'LE', 'JON', 'BRO', 'GAR', 'NOV', 'OKA', 'TAN', 'SIL', 'MEY', 'DUB', 'MC'];

function randomQueries(seed: number, n: number): Query[] {
  const r = prng(seed ^ 0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  // The day before the first scheduled day to the day after the last.
  const day = (): string => (r() < 0.08 ? '20261130' : String(FIRST_DAY + int(0, 10)));
  const hhmm = (): string => `${String(int(6, 19)).padStart(2, '0')}${pick(['00', '15', '30', '45', '10', '50'])}`;
  // A bound at HHMM or HHMMSS precision: HHMM as an upper bound means up to HHMM59.
  const clock = (): string => (r() < 0.5 ? hhmm() : `${hhmm()}${pick(['00', '30', '59'])}`);
  const sorted = (a: string, b: string): [string, string] => (a <= b ? [a, b] : [b, a]);
  const gen: Record<Kind, () => string> = {
    ae: () => (r() < 0.7 ? pick(STATIONS) : pick(AE_PATTERNS)),
    patientId: () => (r() < 0.4 ? `P${String(int(1, ITEMS)).padStart(7, '0')}` : `P00000${int(0, 2)}${r() < 0.5 ? '*' : '?'}${r() < 0.5 ? '*' : ''}`),
    date: () => {
      const [a, b] = sorted(day(), day());
      return pick([a, `${a}-${b}`, `${a}-`, `-${b}`]);
    },
    time: () => {
      const [a, b] = sorted(clock(), clock());
      return pick([`${a}-${b}`, `${a}-`, `-${b}`, a]);
    },
    modality: () => pick(MODALITIES),
    accession: () => `A0000${int(0, 2)}${r() < 0.7 ? `${int(0, 9)}*` : '*'}`,
    name: () => {
      const p = pick(NAME_PREFIXES);
      return `${r() < 0.25 ? p.toLowerCase() : r() < 0.15 ? p[0] + p.slice(1).toLowerCase() : p}*`;
    },
  };
  const kinds = Object.keys(gen) as Kind[];
  return Array.from({ length: n }, () => {
    const q: Query = {};
    const count = int(1, 3);
    while (Object.keys(q).length < count) {
      const k = pick(kinds);
      q[k] = gen[k]();
    }
    return q;
  });
}

/** One query per difference on purpose, so that every seed exercises each of them. */
const DIRECTED: Query[] = [
  { name: 'smi*' },
  { ae: 'CT*' },
  { patientId: 'P000001*' },
  { date: `${FIRST_DAY + 1}-${FIRST_DAY + 3}`, time: '1000-1400' },
  { time: '-1530' },
  { ae: 'CT01' },
  { ae: 'CT02' },
];

// ---- the matching rules (mwl-cfind.md §2), over the generated items ----

const glob = (pattern: string, caseInsensitive: boolean): RegExp =>
  new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, `u${caseInsensitive ? 'i' : ''}`);
const text = (pattern: string, value: string, caseInsensitive = false): boolean => glob(pattern, caseInsensitive).test(value);
const hasWildcard = (v?: string): boolean => v !== undefined && /[*?]/.test(v);

/** `A-B`, `A-`, `-B` or a single value `A` (= `A-A`), inclusive. */
const bounds = (query: string): [string, string] => (query.includes('-') ? (query.split('-') as [string, string]) : [query, query]);
/** A TM bound at its precision: the first or the last second it stands for (items have whole seconds). */
const timeFloor = (t: string): string => t.padEnd(6, '0');
const timeCeil = (t: string): string => t + '5959'.slice(0, 6 - t.length);

function inRange(query: string, value: string | undefined, floor: (b: string) => string, ceil: (b: string) => string): boolean {
  if (!value) return false;
  const [from, to] = bounds(query);
  return (!from || value >= floor(from)) && (!to || value <= ceil(to));
}
const asIs = (d: string): string => d;

interface Rules {
  caseInsensitiveNames: boolean;
  /** How SPS Start Date and Time match together (see `startMatches`). */
  start: 'independent' | 'combined' | 'dcmtk';
  /** TM bounds: at their precision (`-1530` up to 15:30:59), or compared as strings (`153000` > `1530`). */
  timeBounds: 'precision' | 'string';
  /** Wild cards in every string key, or (wlmscpfs) in PN and SH only: then a `*`/`?` in an AE or LO key gets no answers. */
  wildcards: 'all' | 'pn-sh';
  /** A multi-valued station AE (`CT01\\CT02`): any value may match the key, or only the whole value. */
  stationAes: 'any' | 'whole';
}

function matches(i: WorklistItem, q: Query, rules: Rules): boolean {
  const name = i.name.split('=')[0];
  const aes = rules.stationAes === 'any' ? i.stationAes : [i.stationAes.join('\\')];
  if (q.ae !== undefined && !aes.some((a) => text(q.ae as string, a))) return false;
  if (q.patientId !== undefined && !text(q.patientId, i.patientId)) return false;
  if (q.modality !== undefined && q.modality !== i.modality) return false;
  if (q.accession !== undefined && !text(q.accession, i.accession)) return false;
  if (q.name !== undefined && !text(q.name, name, rules.caseInsensitiveNames)) return false;
  const time = i.incomplete ? undefined : i.time;
  if (rules.timeBounds === 'string') return (q.date === undefined || inRange(q.date, i.date, asIs, asIs)) && (q.time === undefined || stringRange(q.time, time));
  return startMatches(q, i.date, time, rules.start);
}

/**
 * independent: each key on its own (mwl-cfind.md §2, no extended negotiation); combined: one
 * date-time range (negotiated); dcmtk: DCMTK's DcmAttributeMatching::rangeMatchingDateTime
 * (dcmdata/libsrc/dcmatch.cc), which wlmscpfs applies to every query: combined when the date and
 * time keys have the same shape (both single, both `A-B`; an open date end only with an open time
 * end), each on its own otherwise; a missing time bound of a combined range is 00:00:00; a TM
 * bound is one instant (`1100` is 11:00:00).
 */
function startMatches(q: Query, date: string, time: string | undefined, how: Rules['start']): boolean {
  if (q.date === undefined && q.time === undefined) return true;
  if (q.time !== undefined && !time) return false;
  if (q.date === undefined || q.time === undefined || how === 'independent' || (how === 'dcmtk' && !sameShape(q.date, q.time))) {
    const ceil = how === 'dcmtk' ? timeFloor : timeCeil;
    return (q.date === undefined || inRange(q.date, date, asIs, asIs)) && (q.time === undefined || inRange(q.time, time, timeFloor, ceil));
  }
  if (how === 'combined') return inDateTimeRange(q.date, q.time, date, time);
  const [d0, d1] = bounds(q.date);
  const [t0, t1] = bounds(q.time);
  const at = date + time;
  if (!q.date.includes('-')) return at === d0 + timeFloor(t0);
  return (!d0 || at >= d0 + timeFloor(t0 || '00')) && (!d1 || at <= d1 + timeFloor(t1 || '00'));
}

/** Orthanc: a TM range as plain string comparison, a single TM as string equality. */
function stringRange(query: string, value: string | undefined): boolean {
  if (!value) return false;
  if (!query.includes('-')) return value === query;
  const [from, to] = bounds(query);
  return (!from || value >= from) && (!to || value <= to);
}

function sameShape(date: string, time: string): boolean {
  const [d0, d1] = bounds(date);
  const [t0, t1] = bounds(time);
  return date.includes('-') === time.includes('-') && (d0 !== '' || t0 === '') && (d1 !== '' || t1 === '');
}

/**
 * PS3.4 C.2.2.2.5: the date and time keys as one range, from (first date, lower time) to (last
 * date, upper time); a date end left open leaves its time bound nothing to bind to.
 */
function inDateTimeRange(date: string, time: string, itemDate: string, itemTime: string | undefined): boolean {
  if (!itemTime) return false;
  const [d0, d1] = bounds(date);
  const [t0, t1] = bounds(time);
  const at = itemDate + itemTime;
  return (!d0 || at >= d0 + (t0 ? timeFloor(t0) : '000000')) && (!d1 || at <= d1 + (t1 ? timeCeil(t1) : '235959'));
}

type Scp = 'radflow' | 'wlmscpfs' | 'orthanc';
const RADFLOW_RULES: Rules = { caseInsensitiveNames: true, start: 'independent', timeBounds: 'precision', stationAes: 'any', wildcards: 'all' };
/** Each SCP's matching rules: Radflow's are mwl-cfind.md's; every other value is a difference on purpose. */
const SCP_RULES: Record<Scp, Rules> = {
  radflow: RADFLOW_RULES,
  orthanc: { ...RADFLOW_RULES, timeBounds: 'string', stationAes: 'whole' },
  wlmscpfs: { ...RADFLOW_RULES, caseInsensitiveNames: false, start: 'dcmtk', wildcards: 'pn-sh' },
};
const SCPS = Object.keys(SCP_RULES) as Scp[];

/** The accession/SPS ID keys an SCP with these rules answers. */
function answerOf(q: Query, rules: Rules): string[] {
  if (rules.wildcards === 'pn-sh' && (hasWildcard(q.ae) || hasWildcard(q.patientId))) return [];
  return live.filter((i) => matches(i, q, rules)).map(keyOf).sort();
}

const keyOf = (i: WorklistItem): string => `${i.accession}/${i.spsId}`;
const sps = (key: string): string => `(0040,0100)[0].${key}`;

function findKeys(q: Query): string[] {
  return [
    `AccessionNumber=${q.accession ?? ''}`,
    `PatientName=${q.name ?? ''}`,
    `PatientID=${q.patientId ?? ''}`,
    sps(`ScheduledStationAETitle=${q.ae ?? ''}`),
    sps(`ScheduledProcedureStepStartDate=${q.date ?? ''}`),
    sps(`ScheduledProcedureStepStartTime=${q.time ?? ''}`),
    sps(`Modality=${q.modality ?? ''}`),
    sps('ScheduledProcedureStepID'),
  ];
}

/**
 * findscu with the answers printed to its log (`+sr`) rather than written to files for dcmdump:
 * the keys are ASCII, and this halves the processes per query.
 */
async function ask(target: FindTarget, q: Query): Promise<string[]> {
  const args = ['-W', '+sr', '-aec', target.calledAe, '-aet', 'FINDSCU', ...findKeys(q).flatMap((k) => ['-k', k]), '127.0.0.1', String(target.port)];
  const r = await run('findscu', args);
  if (r.code !== 0) throw new Error(`findscu failed (${r.code}): ${r.stderr}${r.stdout}`);
  const value = (answer: string, tag: string): string => new RegExp(`\\(${tag}\\) \\w\\w \\[([^\\]]*)\\]`).exec(answer)?.[1].trim() ?? '?';
  return `${r.stdout}${r.stderr}`
    .split(/^I: Find Response: \d+ \(Pending\)$/m)
    .slice(1)
    .map((answer) => `${value(answer, '0008,0050')}/${value(answer, '0040,0009')}`)
    .sort();
}

/** Runs `task` over `xs`, `width` at a time, results in order. */
async function pooled<T, R>(xs: readonly T[], width: number, task: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < xs.length) {
        const k = next++;
        out[k] = await task(xs[k]);
      }
    }),
  );
  return out;
}

/** A C-FIND over the raw SCU; the accession/SPS ID keys of the answers. */
async function rawFind(scu: TestScu, q: Query, messageId: number): Promise<string[]> {
  const step = createDataset();
  setString(step, Tags.ScheduledProcedureStepStartDate, q.date ?? '');
  setString(step, Tags.ScheduledProcedureStepStartTime, q.time ?? '');
  setString(step, Tags.ScheduledProcedureStepID, '');
  const ds: DicomDataset = setString(createDataset(), Tags.AccessionNumber, '');
  setSequence(ds, Tags.ScheduledProcedureStepSequence, [step]);
  scu.sendMessage(3, { commandField: CommandField.CFindRq, messageId, affectedSopClassUid: MWL, priority: 0, hasDataset: true }, ds);
  const out: string[] = [];
  for (;;) {
    const m = await scu.nextMessage(10_000);
    if (!isPending(m.command.status as number)) {
      expect(m.command.status).toBe(0);
      return out.sort();
    }
    const answer = m.identifier as DicomDataset;
    out.push(`${getString(answer, Tags.AccessionNumber)}/${getString(getSequence(answer, Tags.ScheduledProcedureStepSequence)?.[0] ?? createDataset(), Tags.ScheduledProcedureStepID)}`);
  }
}

describe(`Modality Worklist: seeded random queries, Radflow vs wlmscpfs vs Orthanc (seed ${SEED}) (e2e)`, () => {
  let work: string;
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let wlm: Wlmscpfs;
  let orthanc: Orthanc;
  let targets: Record<Scp, FindTarget>;
  const queries = [...randomQueries(SEED, QUERIES), ...DIRECTED];

  beforeAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`mwl-random-differential: seed ${SEED} (MWL_DIFF_SEED=${SEED} replays it), ${ITEMS} items, ${QUERIES} queries`);
    work = mkdtempSync(join(tmpdir(), 'mwl-rand-'));
    const served = join(work, 'db', AE);
    const imported = join(work, 'import');
    mkdirSync(served, { recursive: true });
    mkdirSync(imported);
    writeWorklistFiles(served, live);
    const viaImport = items.filter((i) => i.via === 'import');
    writeWorklistFiles(imported, viaImport);
    db = await createScratchDatabase();
    const load = await run(process.execPath, [CLI, 'import-worklist', imported], 60000, { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    expect(load.stdout).toContain(`${viaImport.length} imported`);
    [radflow, wlm, orthanc] = await Promise.all([startRadflow({ DATABASE_URL: db.url, DICOM_AE_TITLE: AE }), startWlmscpfs(join(work, 'db'), AE), startOrthanc(served, AE)]);
    const hl7 = items.filter((i) => i.via === 'hl7');
    const cancels = hl7.filter((i) => i.status === 'CANCELED').map((i) => orderMessage(i, 'CA'));
    expect(cancels.length).toBeGreaterThan(0);
    const acks = await mllpSend(radflow.hl7Port, [...hl7.map((i) => orderMessage(i)), ...cancels]);
    expect(acks.map((a) => parseAck(a).code)).toEqual(new Array(hl7.length + cancels.length).fill('AA'));
    targets = { radflow: { port: radflow.dicomPort, calledAe: AE }, wlmscpfs: { port: wlm.port, calledAe: AE }, orthanc: { port: orthanc.port, calledAe: AE } };
  }, 60000);

  afterAll(async () => {
    await Promise.all([radflow?.stop(), wlm?.stop(), orthanc?.stop()]);
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('every SCP answers the full worklist to a universal query', async () => {
    const all = await Promise.all(SCPS.map((scp) => ask(targets[scp], {})));
    expect(all).toEqual([live.map(keyOf).sort(), live.map(keyOf).sort(), live.map(keyOf).sort()]);
  });

  it(`${QUERIES} random queries and ${DIRECTED.length} directed ones: the same answers from all three but for the differences on purpose`, async () => {
    const outcomes = await pooled(queries, 3, async (q) => {
      const [r, w, o] = await Promise.all([ask(targets.radflow, q), ask(targets.wlmscpfs, q), ask(targets.orthanc, q)]);
      return { q, answers: { radflow: r, wlmscpfs: w, orthanc: o } };
    });
    const mismatches = outcomes.flatMap(({ q, answers }) =>
      SCPS
        .map((scp) => ({ scp, q, got: answers[scp], want: answerOf(q, SCP_RULES[scp]) }))
        .filter((m) => JSON.stringify(m.got) !== JSON.stringify(m.want))
        .map((m) => ({ scp: m.scp, query: m.q, onlyGot: m.got.filter((k) => !m.want.includes(k)), missing: m.want.filter((k) => !m.got.includes(k)) })),
    );
    expect(mismatches).toEqual([]);

    // The run must exercise what it claims: answers, and each difference on purpose (the queries
    // where that one rule of the peer, set to Radflow's, would change the peer's answer).
    const differences = SCPS.flatMap((scp) =>
      (Object.keys(RADFLOW_RULES) as (keyof Rules)[])
        .filter((rule) => SCP_RULES[scp][rule] !== RADFLOW_RULES[rule])
        .map((rule) => {
          const without = { ...SCP_RULES[scp], [rule]: RADFLOW_RULES[rule] };
          return { difference: `${scp} ${rule}=${SCP_RULES[scp][rule]}`, queries: queries.filter((q) => answerOf(q, SCP_RULES[scp]).join() !== answerOf(q, without).join()).length };
        }),
    );
    const tally = {
      queries: queries.length,
      identical: outcomes.filter(({ answers: a }) => a.radflow.join() === a.wlmscpfs.join() && a.radflow.join() === a.orthanc.join()).length,
      withAnswers: outcomes.filter(({ answers: a }) => a.radflow.length > 0).length,
      differences,
    };
    // eslint-disable-next-line no-console
    console.log(`mwl-random-differential: ${JSON.stringify(tally)}`);
    expect(tally.identical).toBeGreaterThan(QUERIES / 3);
    expect(tally.withAnswers).toBeGreaterThan(QUERIES / 2);
    expect(differences.map((d) => d.difference).sort()).toEqual([
      'orthanc stationAes=whole',
      'orthanc timeBounds=string',
      'wlmscpfs caseInsensitiveNames=false',
      'wlmscpfs start=dcmtk',
      'wlmscpfs wildcards=pn-sh',
    ]);
    expect(differences.filter((d) => d.queries === 0)).toEqual([]);
  }, 240_000); // 127 queries × 3 whole findscu processes: minutes on a loaded 2-core machine

  describe('combined date-time matching through SOP Class Extended Negotiation', () => {
    // Three days and a morning window: the combined range also holds the afternoons between.
    // Bounds at full precision, so that Orthanc's string comparison of times does not come into it.
    const q: Query = { date: `${FIRST_DAY + 2}-${FIRST_DAY + 4}`, time: '090000-110000' };
    const independent = answerOf(q, RADFLOW_RULES);
    const combined = answerOf(q, { ...RADFLOW_RULES, start: 'combined' });

    it('the query separates the two semantics', () => {
      expect(independent.length).toBeGreaterThan(0);
      expect(combined).toEqual(expect.arrayContaining(independent));
      expect(combined.length).toBeGreaterThan(independent.length);
    });

    it('asked for (bytes 1 and 2, as dcm4che asks): the AC accepts byte 2 only and the answers are one date-time range', async () => {
      const scu = await TestScu.connect(radflow.dicomPort);
      try {
        const ac = (await scu.associate({
          calledAeTitle: AE,
          userInformation: { maxLength: 16384, implementationClassUid: '1.2.3', roleSelections: [], extendedNegotiations: [{ sopClassUid: MWL, applicationInfo: queryOptionsInfo(['relational', 'combinedDateTime']) }] },
        })) as AssociateAcPdu;
        expect(ac.type).toBe(PduType.AssociateAc);
        expect(ac.userInformation.extendedNegotiations).toEqual([{ sopClassUid: MWL, applicationInfo: Buffer.from([0, 1, 0]) }]);
        expect(await rawFind(scu, q, 1)).toEqual(combined);
        await scu.release();
      } finally {
        scu.socket.destroy();
      }
    });

    it('not asked for: no sub-item in the AC, date and time match each on its own, as Orthanc does (wlmscpfs combines them)', async () => {
      const scu = await TestScu.connect(radflow.dicomPort);
      try {
        const ac = (await scu.associate({ calledAeTitle: AE })) as AssociateAcPdu;
        expect(ac.type).toBe(PduType.AssociateAc);
        expect(ac.userInformation.extendedNegotiations).toBeUndefined();
        expect(await rawFind(scu, q, 1)).toEqual(independent);
        await scu.release();
      } finally {
        scu.socket.destroy();
      }
      const [w, o] = await Promise.all([ask(targets.wlmscpfs, q), ask(targets.orthanc, q)]);
      expect({ wlmscpfs: w, orthanc: o }).toEqual({ wlmscpfs: combined, orthanc: independent });
    });
  });
});
