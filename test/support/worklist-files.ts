import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataset, DicomDataset, encodeDataset, RADFLOW_IMPLEMENTATION_CLASS_UID, setNumbers, setSequence, setString, SopClass, Tags, TransferSyntax } from '@radflow/dicom';
import { omiO23 } from '@radflow/testing';
import { run } from './dcmtk';

/**
 * Seeded synthetic worklist: the same items as DICOM `.wl` files (for DCMTK wlmscpfs and Radflow's
 * `import-worklist`) and as HL7 OMI^O23 orders (Radflow's MLLP path). Every person, number and
 * UID is made up. The `.wl` files carry exactly what the HL7 mapping stores for an order
 * (hl7-orders-to-mwl.md §2), so an item answers the same whichever way it reached Radflow.
 */
export interface WorklistItem {
  readonly i: number;
  /** How the item reaches Radflow; wlmscpfs always reads its file. */
  readonly via: 'import' | 'hl7';
  readonly accession: string;
  readonly patientId: string;
  readonly name: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly studyUid: string;
  readonly rpId: string;
  readonly procedure: readonly [code: string, meaning: string];
  readonly priority: 'STAT' | 'HIGH' | 'ROUTINE';
  readonly referring: string;
  readonly requesting: string;
  readonly modality: string;
  readonly stationAes: readonly string[];
  readonly stationName: string;
  readonly date: string;
  readonly time: string;
  /** '' = none: items with no value, for universal and empty-value matching. */
  readonly performing: string;
  readonly spsId: string;
  readonly protocol: readonly [code: string, meaning: string];
  /** CANCELED: cancelled over HL7 after the order; the file keeps the item with this status. */
  readonly status: 'SCHEDULED' | 'CANCELED';
  /** Lacks SPS Start Time and Description: wlmscpfs rejects such a file unless run with -dfr. */
  readonly incomplete?: boolean;
}

/** mulberry32: tiny, seedable, the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATIONS: ReadonlyArray<[string, string]> = [
  ['CT01', 'CT'], ['CT02', 'CT'], ['CT03', 'CT'], ['MR01', 'MR'], ['MR02', 'MR'],
  ['US01', 'US'], ['CR01', 'CR'], ['DX01', 'DX'], ['MG01', 'MG'], ['NM01', 'NM'],
];
const FAMILY = ['SMITH', 'SMIRNOVA', 'SMILEY', 'JONES', 'LEE', 'LEEWARD', 'BROWN', 'GARCIA', 'NOVAK', 'OKAFOR', 'TANAKA', 'SILVA', 'MEYER', 'DUBOIS'];
const GIVEN = ['ALEX', 'SAM', 'KIM', 'ROBIN', 'NOOR', 'JAMIE', 'TAYLOR', 'MORGAN', 'ARI', 'LEE'];
// Mixed case and non-ASCII: case-sensitive vs insensitive matching, and UTF-8 end to end.
const SPECIAL = ['Smith^Anna', 'McLeod^Ewan', 'Müller^Jürgen', 'Lefèvre^Hélène', 'Øster^Åse', 'Γεωργίου^Νίκος', 'Иванова^Ольга', 'Łukasiewicz^Żaneta'];
const IDEOGRAPHIC = ['Yamada^Hanako=山田^花子', 'Kim^Minjun=金^珉俊'];
const DOCTORS = ['HOUSE^GREGORY', 'GREY^MEREDITH', 'QUINN^MICHAELA', 'ROSS^DOUG', 'Schäfer^Dörte'];
const PROCEDURES: Record<string, ReadonlyArray<[string, string]>> = {
  CT: [['CTHEAD', 'CT HEAD W/O CONTRAST'], ['CTCHEST', 'CT CHEST W CONTRAST']],
  MR: [['MRBRAIN', 'MR BRAIN W/WO'], ['MRKNEE', 'MR KNEE LEFT']],
  US: [['USABD', 'US ABDOMEN COMPLETE']],
  CR: [['XRCHEST', 'XR CHEST 2 VIEWS']],
  DX: [['DXPELV', 'DX PELVIS AP']],
  MG: [['MGSCR', 'MG SCREENING BILATERAL']],
  NM: [['NMBONE', 'NM BONE SCAN WHOLE BODY']],
  DD: [['DDTEST', 'DCMTK SAMPLE MODALITY']],
};
/** First day of the 10 scheduled days (20261201 … 20261210). */
export const FIRST_DAY = 20261201;

/**
 * `n` items from `seed`; item i depends only on (seed, i). Every 8th item goes in over HL7 and
 * every 5th of those is cancelled afterwards; a few items carry the station values DCMTK's sample
 * queries ask for (AE AA2/AA4, station name A2, modality DD) and one item is incomplete.
 */
export function generateWorklist(n: number, seed = 42): WorklistItem[] {
  return Array.from({ length: n }, (_, k) => item(seed, k + 1));
}

function item(seed: number, i: number): WorklistItem {
  const r = prng(seed * 1_000_003 + i);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const dcmtkSample = i % 50 === 7;
  const via = i % 8 === 0 && !dcmtkSample ? 'hl7' : 'import';
  // Every special name appears, some over HL7; names with an ideographic group are imported only.
  const name = i % 20 === 4 ? SPECIAL[Math.floor(i / 20) % SPECIAL.length] : i % 40 === 11 ? IDEOGRAPHIC[Math.floor(i / 40) % 2] : `${pick(FAMILY)}^${pick(GIVEN)}`;
  let [ae, modality] = pick(STATIONS);
  const aes = r() < 0.06 ? [ae, ae.replace(/\d$/, (d) => String((Number(d) % 3) + 1))] : [ae];
  if (dcmtkSample) [ae, modality] = [i % 100 === 7 ? 'AA2' : 'AA4', i % 150 === 7 ? 'DD' : modality];
  const stationAes = dcmtkSample ? [ae] : [...new Set(aes)];
  const procedure = pick(PROCEDURES[modality]);
  const slot = Math.floor(r() * 48);
  const id = String(i).padStart(7, '0');
  return {
    i,
    via,
    accession: `A${id}`,
    patientId: `P${id}`,
    name,
    birthDate: `${1930 + Math.floor(r() * 90)}${pad(1 + Math.floor(r() * 12))}${pad(1 + Math.floor(r() * 28))}`,
    sex: pick(['M', 'F', 'F', 'M', 'O']),
    studyUid: `2.25.${seed}${id}${Math.floor(r() * 1e9)}`,
    rpId: `RP${id}`,
    procedure,
    priority: pick(['STAT', 'HIGH', 'ROUTINE', 'ROUTINE', 'ROUTINE', 'ROUTINE'] as const),
    referring: pick(DOCTORS),
    requesting: pick(DOCTORS),
    modality,
    stationAes,
    stationName: dcmtkSample ? 'A2' : `STN_${stationAes[0]}`,
    date: String(FIRST_DAY + Math.floor(r() * 10)),
    time: `${pad(7 + Math.floor(slot / 4))}${pad((slot % 4) * 15)}00`,
    performing: r() < 0.2 ? '' : pick(DOCTORS),
    spsId: `SPS${id}`,
    protocol: [`P-${procedure[0]}`, `${procedure[1]} PROTOCOL`],
    status: via === 'hl7' && i % 40 === 0 ? 'CANCELED' : 'SCHEDULED',
    incomplete: i === 3 || undefined,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The worklist item as a dataset, as a RIS export or wlmscpfs site would keep it. */
export function worklistDataset(it: WorklistItem): DicomDataset {
  const code = ([value, meaning]: readonly [string, string]): DicomDataset => {
    const c = createDataset();
    setString(c, Tags.CodeValue, value);
    setString(c, Tags.CodingSchemeDesignator, 'LOCAL');
    setString(c, Tags.CodeMeaning, meaning);
    return c;
  };
  const sps = createDataset();
  setString(sps, Tags.Modality, it.modality);
  setString(sps, Tags.ScheduledStationAETitle, it.stationAes.join('\\'));
  setString(sps, Tags.ScheduledProcedureStepStartDate, it.date);
  if (!it.incomplete) setString(sps, Tags.ScheduledProcedureStepStartTime, it.time);
  setString(sps, Tags.ScheduledPerformingPhysicianName, it.performing);
  if (!it.incomplete) setString(sps, Tags.ScheduledProcedureStepDescription, it.protocol[1]);
  if (!it.incomplete) setSequence(sps, Tags.ScheduledProtocolCodeSequence, [code(it.protocol)]);
  setString(sps, Tags.ScheduledProcedureStepID, it.spsId);
  setString(sps, Tags.ScheduledStationName, it.stationName);
  setString(sps, Tags.ScheduledProcedureStepStatus, it.status);
  const ds = createDataset();
  setString(ds, Tags.SpecificCharacterSet, 'ISO_IR 192');
  setString(ds, Tags.AccessionNumber, it.accession);
  setString(ds, Tags.InstitutionName, 'HOSP_A');
  setString(ds, Tags.ReferringPhysicianName, it.referring);
  setString(ds, Tags.PatientName, it.name);
  setString(ds, Tags.PatientID, it.patientId);
  setString(ds, Tags.IssuerOfPatientID, 'HOSP_A');
  setString(ds, Tags.PatientBirthDate, it.birthDate);
  setString(ds, Tags.PatientSex, it.sex);
  setString(ds, Tags.StudyInstanceUID, it.studyUid);
  setString(ds, Tags.RequestingPhysician, it.requesting);
  setString(ds, Tags.RequestedProcedureDescription, it.procedure[1]);
  setSequence(ds, Tags.RequestedProcedureCodeSequence, [code(it.procedure)]);
  setSequence(ds, Tags.ScheduledProcedureStepSequence, [sps]);
  setString(ds, Tags.RequestedProcedureID, it.rpId);
  setString(ds, Tags.RequestedProcedurePriority, it.priority);
  setString(ds, Tags.PlacerOrderNumberImagingServiceRequest, `PL${it.i}`);
  setString(ds, Tags.FillerOrderNumberImagingServiceRequest, `FL${it.i}`);
  return ds;
}

/** A DICOM Part 10 file: 128-byte preamble, `DICM`, group 0002 (Explicit VR LE), then the dataset. */
export function part10(dataset: DicomDataset, sopInstanceUid: string): Buffer {
  const meta = createDataset();
  meta.set(0x00020001, { vr: 'OB', value: new Uint8Array([0, 1]) });
  setString(meta, 0x00020002, SopClass.ModalityWorklistInformationModelFind, 'UI');
  setString(meta, 0x00020003, sopInstanceUid, 'UI');
  setString(meta, 0x00020010, TransferSyntax.ExplicitVrLittleEndian, 'UI');
  setString(meta, 0x00020012, RADFLOW_IMPLEMENTATION_CLASS_UID, 'UI');
  const body = encodeDataset(meta, { explicitVr: true });
  const length = setNumbers(createDataset(), 0x00020000, [body.length], 'UL');
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), encodeDataset(length, { explicitVr: true }), body, encodeDataset(dataset, { explicitVr: true })]);
}

/** Writes `wl<i>.wl` for each item into `dir` (plus the `lockfile` wlmscpfs wants). */
export function writeWorklistFiles(dir: string, items: readonly WorklistItem[]): void {
  writeFileSync(join(dir, 'lockfile'), '');
  for (const it of items) writeFileSync(join(dir, `wl${String(it.i).padStart(7, '0')}.wl`), part10(worklistDataset(it), `2.25.9${String(it.i).padStart(12, '0')}`));
}

const HL7_PRIORITY = { STAT: 'S', HIGH: 'A', ROUTINE: 'R' } as const;
/** `FAMILY^GIVEN` as the name part of an XCN/CNN: `id<sep>FAMILY<sep>GIVEN`. */
const xcn = (pn: string, id: string, sep = '^'): string => (pn ? [id, ...pn.split('^')].join(sep) : '');

/** The item as the RIS sends it: OMI^O23 v2.5.1, UTF-8 (or the cancel of that order). */
export function orderMessage(it: WorklistItem, control: 'NW' | 'CA' = 'NW'): string {
  return omiO23({
    orderControl: control,
    orderStatus: control === 'NW' ? 'SC' : 'CA',
    patientId: it.patientId,
    issuer: 'HOSP_A',
    name: it.name,
    birthDate: it.birthDate,
    sex: it.sex,
    referringPhysician: xcn(it.referring, 'R1'),
    placerOrderNumber: `PL${it.i}^RIS`,
    fillerOrderNumber: `FL${it.i}^RADFLOW`,
    start: it.date + it.time,
    priority: HL7_PRIORITY[it.priority],
    procedure: `${it.procedure[0]}^${it.procedure[1]}^LOCAL`,
    orderingProvider: xcn(it.requesting, 'O1'),
    obrFields: { 34: xcn(it.performing, 'T1', '&') },
    accession: it.accession,
    requestedProcedureId: it.rpId,
    studyInstanceUid: it.studyUid,
    spsId: it.spsId,
    modality: it.modality,
    protocolCodes: `${it.protocol[0]}^${it.protocol[1]}^LOCAL`,
    stationName: it.stationName,
    stationAe: it.stationAes.join('~'),
  });
}

/** One attribute line of a dump2dcm input: `(gggg,eeee) VR value`, a value of `undefined` left zero-length. */
export type DumpLine = readonly [tag: string, vr: string, value?: string];

/** A worklist item in dump2dcm lines: its top-level attributes and its SPS items. */
export interface DumpItem {
  readonly top: readonly DumpLine[];
  readonly steps: ReadonlyArray<readonly DumpLine[]>;
}

/**
 * A `.wl` file written by DCMTK dump2dcm from a one-level worklist item (the way wlmscpfs sites
 * make theirs), so the import reads a file Radflow's own encoder did not write.
 */
export async function dumpWorklistFile(dir: string, fileName: string, { top, steps }: DumpItem): Promise<string> {
  const line = ([tag, vr, value]: DumpLine): string => `(${tag}) ${vr} ${value === undefined ? '' : `[${value}]`}`.trimEnd();
  const lines = [...top.map(line), '(0040,0100) SQ', ...steps.flatMap((item) => ['(fffe,e000) -', ...item.map(line), '(fffe,e00d) -']), '(fffe,e0dd) -'];
  const dump = join(dir, `${fileName}.dump`);
  const out = join(dir, fileName);
  writeFileSync(dump, lines.join('\n') + '\n');
  const r = await run('dump2dcm', ['--write-xfer-little', dump, out]);
  rmSync(dump);
  if (r.code !== 0) throw new Error(`dump2dcm ${fileName}: ${r.stderr}`);
  return out;
}
