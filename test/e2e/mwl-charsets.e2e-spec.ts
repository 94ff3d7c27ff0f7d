import * as iconv from 'iconv-lite';
import { omiO23 } from '@radflow/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRawDumps, findscu, FindTarget, parseDump, queryFile, rawValue } from '../support/dcmtk';
import { parseAck, sendRaw } from '../support/hl7-peers';
import { RadflowProcess, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * Character sets end to end: a patient name goes in over HL7 in each supported MSH-18 set, and
 * comes out of C-FIND in UTF-8 (the default) and in the legacy set configured for the calling AE.
 * The answer bytes are taken from dcmdump as stored and decoded here, independently of Radflow's
 * codec. Names are synthetic.
 */

interface Sample {
  /** MSH-18 as sent */
  msh18: string;
  /** The name as stored, DICOM PN groups (alphabetic=ideographic=phonetic) */
  name: string;
  /** PID-5 as the HL7 text holds it (before byte encoding) */
  pid5: string;
  encode(text: string): Buffer;
  /** Calling AE configured for this sample's legacy set */
  ae: string;
  /** (0008,0005) that AE is configured for, and how to read its bytes */
  dicom: string;
  decode(bytes: Buffer): string;
  /** The name as a DICOM value in `dicom`, for queries (defaults to `encode`) */
  query?: (text: string) => Buffer;
}

const ESC = '\x1b';
/**
 * ISO-2022-JP as HL7 Japanese senders write it: each run of kanji/kana as JIS X 0208 (EUC-JP
 * bytes with the high bit cleared) between ESC $ B and ESC ( B.
 */
function jis(text: string): string {
  return text.replace(/[^\x00-\x7f]+/g, (run) => `${ESC}$B${Buffer.from(iconv.encode(run, 'euc-jp').map((b) => b & 0x7f)).toString('latin1')}${ESC}(B`);
}
/** ISO 2022 IR 149 as DICOM writes it: ESC $ ) C before the Hangul/Hanja of each component. */
const ksx = (text: string): Buffer =>
  Buffer.from(text.replace(/[^\x00-\x7f]+/g, (run) => `${ESC}$)C${iconv.encode(run, 'euc-kr').toString('latin1')}`), 'latin1');
/** ISO 2022 IR 149: G1 designations (ESC $ ) C) dropped, the GR bytes left are EUC-KR. */
const decodeKorean = (b: Buffer): string => iconv.decode(Buffer.from(b.toString('latin1').split(`${ESC}$)C`).join(''), 'latin1'), 'euc-kr');
const single = (encoding: string) => (text: string) => iconv.encode(text, encoding);

const SAMPLES: Record<string, Sample> = {
  latin1: { msh18: '8859/1', name: 'Ångström^Zoë', pid5: 'Ångström^Zoë', encode: single('latin1'), ae: 'LATIN1', dicom: 'ISO_IR 100', decode: (b) => iconv.decode(b, 'latin1') },
  utf8: { msh18: 'UNICODE UTF-8', name: 'Łukasiewicz^Żaneta', pid5: 'Łukasiewicz^Żaneta', encode: single('utf8'), ae: 'FINDSCU', dicom: 'ISO_IR 192', decode: (b) => b.toString('utf8') },
  cyrillic: { msh18: '8859/5', name: 'Петрова^Ольга', pid5: 'Петрова^Ольга', encode: single('iso-8859-5'), ae: 'CYRILLIC', dicom: 'ISO_IR 144', decode: (b) => iconv.decode(b, 'iso-8859-5') },
  greek: { msh18: '8859/7', name: 'Παπαδοπούλου^Ελένη', pid5: 'Παπαδοπούλου^Ελένη', encode: single('iso-8859-7'), ae: 'GREEK', dicom: 'ISO_IR 126', decode: (b) => iconv.decode(b, 'iso-8859-7') },
  japanese: {
    msh18: 'ASCII~ISO IR87',
    name: 'Yamada^Hanako=山田^花子=やまだ^はなこ',
    pid5: `Yamada^Hanako^^^^^L^A~${jis('山田^花子')}^^^^^L^I~${jis('やまだ^はなこ')}^^^^^L^P`,
    encode: single('latin1'), // 7-bit after the JIS escapes
    ae: 'JAPAN',
    dicom: '\\ISO 2022 IR 87',
    decode: (b) => new TextDecoder('iso-2022-jp').decode(b),
    query: (text) => Buffer.from(jis(text), 'latin1'),
  },
  korean: {
    msh18: 'KS X 1001',
    name: 'Hong^Jiwoo=洪^智友=홍^지우',
    pid5: 'Hong^Jiwoo^^^^^L^A~洪^智友^^^^^L^I~홍^지우^^^^^L^P',
    encode: single('euc-kr'),
    ae: 'KOREA',
    dicom: '\\ISO 2022 IR 149',
    decode: decodeKorean,
    query: ksx,
  },
  chinese: { msh18: 'GB 18030-2000', name: 'Wang^Xiaoming=王^晓明', pid5: 'Wang^Xiaoming^^^^^L^A~王^晓明^^^^^L^I', encode: single('gb18030'), ae: 'CHINA', dicom: 'GB18030', decode: (b) => iconv.decode(b, 'gb18030') },
};
const CHARSET_BY_AE = Object.values(SAMPLES)
  .filter((s) => s.ae !== 'FINDSCU')
  .map((s) => `${s.ae}=${s.dicom}`)
  .join(',');

interface Answer {
  charset: string;
  name: Buffer;
}

describe('MWL character sets: HL7 in, C-FIND out (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let work: string;
  const target = (callingAe: string): FindTarget => ({ port: radflow.dicomPort, calledAe: 'RADFLOW', callingAe });
  const patientId = (key: string): string => `CS-${key.toUpperCase()}`;

  async function answersFor(callingAe: string, key: string): Promise<Answer[]> {
    const dumps = await findRawDumps(target(callingAe), [`PatientID=${key}`, 'PatientName', 'AccessionNumber']);
    return dumps.map((d) => ({ charset: rawValue(d, '0008,0005')!.toString('latin1'), name: rawValue(d, '0010,0010')! }));
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mwl-charsets-'));
    db = await createScratchDatabase();
    // The `utf8` policy for values an AE's set cannot hold; the default (transliterate) has its own test below.
    radflow = await startRadflow({ DATABASE_URL: db.url, MWL_CHARSET_BY_AE: CHARSET_BY_AE, MWL_UNREPRESENTABLE: 'utf8' });
    for (const [key, s] of Object.entries(SAMPLES)) {
      const text = omiO23({ charset: s.msh18, patientId: patientId(key), name: s.pid5, accession: `ACS-${key}`.slice(0, 16), spsId: `SCS-${key}`.slice(0, 16), requestedProcedureId: `RCS-${key}`.slice(0, 16), studyInstanceUid: `2.25.7700${Object.keys(SAMPLES).indexOf(key) + 1}` });
      const bytes = s.encode(text);
      // the test's own encoding must be lossless, or it would test nothing
      expect(bytes.includes(0x3f) && !text.includes('?')).toBe(false);
      const ack = parseAck(await sendRaw(radflow.hl7Port, bytes));
      expect({ key, code: ack.code, err: ack.err }).toEqual({ key, code: 'AA', err: undefined });
    }
  }, 60000);

  afterAll(async () => {
    await radflow?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(Object.keys(SAMPLES))('%s: answered in ISO_IR 192 by default, the bytes UTF-8', async (key) => {
    const [answer, ...more] = await answersFor('FINDSCU', patientId(key));
    expect(more).toHaveLength(0);
    expect(answer.charset).toBe('ISO_IR 192');
    expect(answer.name.toString('utf8')).toBe(SAMPLES[key].name);
  });

  it.each(Object.keys(SAMPLES).filter((k) => SAMPLES[k].ae !== 'FINDSCU'))('%s: answered in the set configured for the calling AE, the bytes in that set', async (key) => {
    const s = SAMPLES[key];
    const [answer] = await answersFor(s.ae, patientId(key));
    expect(answer.charset).toBe(s.dicom);
    expect(s.decode(answer.name)).toBe(s.name);
    if (s.dicom.includes('2022')) expect(answer.name.includes(0x1b)).toBe(true);
    else expect(answer.name.equals(Buffer.from(s.name, 'utf8'))).toBe(false); // really re-encoded
  });

  // MWL_UNREPRESENTABLE=utf8: an answer the AE's set cannot hold goes out whole in ISO_IR 192
  // (never a '?' in a name), and the fallback is logged with step ids, not names.
  it.each<[string, string]>([
    ['utf8', 'LATIN1'],
    ['japanese', 'LATIN1'],
    ['greek', 'CYRILLIC'],
    ['cyrillic', 'GREEK'],
    ['chinese', 'KOREA'], // 晓 is a simplified character KS X 1001 lacks
  ])('utf8 policy: %s asked for by %s, whose set cannot represent it: sent whole in ISO_IR 192, not garbled', async (key, ae) => {
    const [answer] = await answersFor(ae, patientId(key));
    expect(answer.charset).toBe('ISO_IR 192');
    expect(answer.name.toString('utf8')).toBe(SAMPLES[key].name);
    expect(answer.name.includes(0x3f)).toBe(false); // no '?' substitutes
  });

  it('GB18030 covers all of Unicode: a Latin-1 name asked for by the GB18030 AE stays in GB18030', async () => {
    const [answer] = await answersFor('CHINA', patientId('latin1'));
    expect(answer.charset).toBe('GB18030');
    expect(iconv.decode(answer.name, 'gb18030')).toBe(SAMPLES.latin1.name);
  });

  it.each(Object.keys(SAMPLES))('%s: a query in the same set (the name as its bytes) finds the item', async (key) => {
    const s = SAMPLES[key];
    const value = (s.query ?? s.encode)(s.name).toString('latin1');
    const file = await queryFile(work, key, [`(0008,0005) CS [${s.dicom}]`, `(0010,0010) PN [${value}]`, '(0010,0020) LO []'], 'latin1');
    const found = await findscu(target(s.ae), [], file);
    expect(found.dumps.map(parseDump).map((a) => a.get('0010,0020'))).toEqual([patientId(key)]);
  });

  // Configured without the leading backslash, `ISO 2022 IR 87` would make JIS X 0208 the initial
  // set (ASCII letters and the ^ = delimiters inside ESC $ B); config reads it as `\ISO 2022 IR 87`.
  it('an AE configured as "ISO 2022 IR 87" (no leading backslash) still gets a readable name', async () => {
    let other: RadflowProcess;
    try {
      other = await startRadflow({ DATABASE_URL: db.url, MWL_CHARSET_BY_AE: 'JAPAN=ISO 2022 IR 87' });
    } catch (e) {
      throw new Error(`refused at start-up: ${(e as Error).message}`);
    }
    try {
      const [dump] = await findRawDumps({ port: other.dicomPort, calledAe: 'RADFLOW', callingAe: 'JAPAN' }, [`PatientID=${patientId('japanese')}`, 'PatientName']);
      expect(new TextDecoder('iso-2022-jp').decode(rawValue(dump, '0010,0010'))).toBe(SAMPLES.japanese.name);
    } finally {
      await other.stop();
    }
  });

  // The default policy: the AE keeps its set; what it cannot hold is romanised (mwl-real-modalities
  // covers Latin-1 and ASCII AEs under every policy).
  describe('transliterate (the default policy)', () => {
    let other: RadflowProcess;
    beforeAll(async () => {
      other = await startRadflow({ DATABASE_URL: db.url, MWL_CHARSET_BY_AE: CHARSET_BY_AE });
    }, 30000);
    afterAll(async () => {
      await other?.stop();
    });

    it.each<[string, string, string]>([
      ['japanese', 'LATIN1', 'Yamada^Hanako'], // the ideographic and phonetic groups do not fit: dropped, the alphabetic one stays
      ['greek', 'CYRILLIC', 'Papadopoyloy^Eleni'],
      ['cyrillic', 'GREEK', "Petrova^Ol'ga"],
      ['chinese', 'KOREA', 'Wang^Xiaoming'], // 晓 is not in KS X 1001: the ideographic group goes
    ])('%s asked for by %s is answered in that AE set, romanised', async (key, ae, expected) => {
      const [dump] = await findRawDumps({ port: other.dicomPort, calledAe: 'RADFLOW', callingAe: ae }, [`PatientID=${patientId(key)}`, 'PatientName']);
      const configured = Object.values(SAMPLES).find((s) => s.ae === ae) as Sample;
      expect(rawValue(dump, '0008,0005')?.toString('latin1')).toBe(configured.dicom);
      expect(configured.decode(rawValue(dump, '0010,0010') as Buffer)).toBe(expected);
    });
  });

  it('answers one C-FIND item by item: each answer declares the set its own values need', async () => {
    const answers = await answersFor('LATIN1', 'CS-*');
    const byName = new Map(answers.map((a) => [a.charset === 'ISO_IR 100' ? iconv.decode(a.name, 'latin1') : a.name.toString('utf8'), a.charset]));
    expect(byName.size).toBe(Object.keys(SAMPLES).length);
    expect(byName.get(SAMPLES.latin1.name)).toBe('ISO_IR 100');
    for (const key of ['utf8', 'cyrillic', 'greek', 'japanese', 'korean', 'chinese']) expect(byName.get(SAMPLES[key].name)).toBe('ISO_IR 192');
    expect(radflow.output()).toContain('mwl.charset-fallback');
    for (const s of Object.values(SAMPLES)) expect(radflow.output()).not.toContain(s.name.split('^')[0]);
  });
});
