import { omiO23 } from '@radflow/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseDump, rawValue, run } from '../support/dcmtk';
import { parseAck, sendRaw } from '../support/hl7-peers';
import { RadflowProcess, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * What real modalities send and need (issue: real feeds), end to end: the built process, orders
 * in over HL7 (UTF-8), DCMTK findscu as the modality, answers read back by dcmdump and by pydicom
 * (Debian's python3-pydicom), never by Radflow's own decoder. Patients are synthetic.
 */

/** Debian's python3-pydicom installs for the system interpreter, whatever python3 is first on PATH. */
const PYTHON = '/usr/bin/python3';
const READ_NAME = [
  'import json, sys, pydicom',
  'ds = pydicom.dcmread(sys.argv[1])',
  "print(json.dumps({'charset': ds.get('SpecificCharacterSet', ''), 'name': str(ds.PatientName)}))",
].join('\n');

interface Patient {
  id: string;
  name: string;
  /** Expected answer under each policy, to an ISO_IR 100 AE and to an ISO_IR 6 (ASCII) AE. */
  latin1: { transliterate: string; replace: string };
  ascii: { transliterate: string; replace: string };
}

const PATIENTS: Record<string, Patient> = {
  polish: {
    id: 'RM-PL',
    name: 'Łukasiewicz^Żaneta Józefa',
    latin1: { transliterate: 'Lukasiewicz^Zaneta Józefa', replace: '?ukasiewicz^?aneta Józefa' },
    ascii: { transliterate: 'Lukasiewicz^Zaneta Jozefa', replace: '?ukasiewicz^?aneta J?zefa' },
  },
  cyrillic: {
    id: 'RM-RU',
    name: 'Петрова^Ольга',
    latin1: { transliterate: "Petrova^Ol'ga", replace: '???????^?????' },
    ascii: { transliterate: "Petrova^Ol'ga", replace: '???????^?????' },
  },
  greek: {
    id: 'RM-GR',
    name: 'Παπαδοπούλου^Ελένη',
    latin1: { transliterate: 'Papadopoyloy^Eleni', replace: '????????????^?????' },
    ascii: { transliterate: 'Papadopoyloy^Eleni', replace: '????????????^?????' },
  },
};

/** Calling AEs: the set they are configured for, and the unrepresentable-value policy. */
const AES = {
  LATIN_T: { charset: 'ISO_IR 100', policy: 'transliterate' },
  LATIN_R: { charset: 'ISO_IR 100', policy: 'replace' },
  LATIN_U: { charset: 'ISO_IR 100', policy: 'utf8' },
  ASCII_T: { charset: 'ISO_IR 6', policy: 'transliterate' },
  ASCII_R: { charset: 'ISO_IR 6', policy: 'replace' },
  ASCII_U: { charset: 'ISO_IR 6', policy: 'utf8' },
} as const;
type Ae = keyof typeof AES;

/**
 * Keys outside the MWL model that modalities really send: Study Description, Other Patient IDs
 * (retired, so findscu only takes it by tag), Patient Species and Breed Description, Responsible Person.
 */
const NON_MWL_TAGS = ['0008,1030', '0010,1000', '0010,2201', '0010,2292', '0010,2297'];

interface Found {
  code: number;
  log: string;
  /** C-FIND-RSP statuses as findscu -d logs them, in order. */
  statuses: string[];
  dumps: string[];
  raw: Buffer[];
  files: string[];
}

/** Offending Element (0000,0901) of the final response, as findscu -d logs it. */
function offending(log: string): string[] {
  return /\(0000,0901\) AT (\S+)/.exec(log)?.[1].split('\\') ?? [];
}

describe('MWL for real modalities: extra keys, empty 1C sequences, names the AE set cannot hold (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let work: string;

  /** findscu -W -d -X; the answer files are kept under `work` for dcmdump and pydicom. */
  async function find(callingAe: string, keys: readonly string[]): Promise<Found> {
    const dir = mkdtempSync(join(work, 'rsp-'));
    const r = await run('findscu', ['-W', '-d', '-X', '-od', dir, '-aec', 'RADFLOW', '-aet', callingAe, ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(radflow.dicomPort)]);
    const files = readdirSync(dir)
      .filter((f) => /^rsp\d+\.dcm$/.test(f))
      .sort()
      .map((f) => join(dir, f));
    const raw = await Promise.all(files.map(async (f) => (await run('dcmdump', ['+L', '-q', f])).raw));
    const log = r.stdout + r.stderr;
    const statuses = [...log.matchAll(/DIMSE Status\s*:\s*(0x[0-9a-f]{4})/gi)].map((m) => m[1].toLowerCase());
    return { code: r.code, log, statuses, dumps: raw.map((b) => b.toString('utf8')), raw, files };
  }

  async function pydicomName(file: string): Promise<{ charset: string; name: string }> {
    const r = await run(PYTHON, ['-c', READ_NAME, file]);
    if (r.code !== 0) throw new Error(`pydicom could not read the answer: ${r.stderr}`);
    return JSON.parse(r.stdout) as { charset: string; name: string };
  }

  let orders = 0;
  async function order(patientId: string, name: string, extra: Parameters<typeof omiO23>[0] = {}): Promise<void> {
    const suffix = patientId.slice(3);
    const ids = { accession: `ACC-${suffix}`, spsId: `SPS-${suffix}`, requestedProcedureId: `RP-${suffix}`, placerOrderNumber: `PL-${suffix}^RIS`, fillerOrderNumber: `FL-${suffix}^RADFLOW`, studyInstanceUid: `2.25.8800${++orders}` };
    const text = omiO23({ charset: 'UNICODE UTF-8', patientId, name, ...ids, ...extra });
    const ack = parseAck(await sendRaw(radflow.hl7Port, Buffer.from(text, 'utf8')));
    expect({ patientId, code: ack.code, err: ack.err }).toEqual({ patientId, code: 'AA', err: undefined });
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mwl-real-'));
    db = await createScratchDatabase();
    radflow = await startRadflow({
      DATABASE_URL: db.url,
      MWL_CHARSET_BY_AE: Object.entries(AES).map(([ae, c]) => `${ae}=${c.charset}`).join(','),
      MWL_UNREPRESENTABLE_BY_AE: Object.entries(AES).filter(([, c]) => c.policy !== 'transliterate').map(([ae, c]) => `${ae}=${c.policy}`).join(','),
      MWL_REJECT_UNKNOWN_KEYS_AE: 'OLD_CT',
      LOG_LEVEL: 'info',
    });
    for (const p of Object.values(PATIENTS)) await order(p.id, p.name);
    // Neither a requested procedure code (OBR-4/OBR-44 text only) nor a protocol code (IPC-6).
    await order('RM-NOCODE', 'Nocode^Nina', { procedure: '^CT head, no code', protocolCodes: '' });
  }, 60000);

  afterAll(async () => {
    await radflow?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('keys outside the MWL model', () => {
    const mwlKeys = ['PatientID=RM-PL', 'PatientName', 'AccessionNumber', 'ScheduledProcedureStepSequence[0].Modality=CT'];
    const keys = [...mwlKeys, ...NON_MWL_TAGS.map((t) => `(${t})=`)];

    it('are answered, with Pending FF01, the extra keys zero-length, the query not narrowed by them', async () => {
      const found = await find('FINDSCU', [...keys.filter((k) => k !== '(0008,1030)='), '(0008,1030)=NOT*THIS*ONE']);
      expect(found.code).toBe(0);
      expect(found.dumps).toHaveLength(1);
      expect(found.statuses).toEqual(['0xff01', '0x0000']);
      const answer = parseDump(found.dumps[0]);
      expect(answer.get('0010,0020')).toBe('RM-PL');
      for (const tag of NON_MWL_TAGS) expect({ tag, value: answer.get(tag) }).toEqual({ tag, value: '' });
    });

    it('a plain MWL query still gets Pending FF00', async () => {
      const found = await find('FINDSCU', mwlKeys);
      expect(found.statuses).toEqual(['0xff00', '0x0000']);
    });

    it('get A900 naming them from an AE configured to reject them', async () => {
      const found = await find('OLD_CT', keys);
      expect(found.dumps).toHaveLength(0);
      expect(found.statuses).toEqual(['0xa900']);
      expect(offending(found.log)).toEqual(NON_MWL_TAGS.map((t) => `(${t})`));
    });

    it('a malformed value of an MWL key is still A900 for everyone', async () => {
      const found = await find('FINDSCU', ['PatientBirthDate=1970', ...keys]);
      expect(found.statuses).toEqual(['0xa900']);
      expect(offending(found.log)).toEqual(['(0010,0030)']);
    });
  });

  describe('type 1C sequences with no value', () => {
    const keys = ['PatientID=RM-NOCODE', 'RequestedProcedureCodeSequence', 'RequestedProcedureDescription', 'ReferencedStudySequence', 'ScheduledProcedureStepSequence[0].ScheduledProtocolCodeSequence', 'ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription', 'ScheduledProcedureStepSequence[0].Modality'];

    it('are left out of the answer; the type 2 Referenced Study Sequence stays, empty', async () => {
      const found = await find('FINDSCU', keys);
      expect(found.dumps).toHaveLength(1);
      const dump = found.dumps[0];
      expect(dump).not.toMatch(/\(0032,1064\)/);
      expect(dump).not.toMatch(/\(0040,0008\)/);
      expect(dump).toMatch(/\(0008,1110\) SQ/);
      expect(parseDump(dump).get('0040,0100[0]/0008,0060')).toBe('CT');
    });

    it('are sent, with their item, when the order had codes', async () => {
      const found = await find('FINDSCU', keys.map((k) => k.replace('RM-NOCODE', 'RM-PL')));
      const answer = parseDump(found.dumps[0]);
      expect(answer.get('0032,1064[0]/0008,0100')).toBeTruthy();
      expect(answer.get('0040,0100[0]/0040,0008[0]/0008,0100')).toBe('P-CTH');
    });
  });

  describe('names the calling AE set cannot hold', () => {
    const cases = Object.entries(PATIENTS).flatMap(([key, p]) => (Object.keys(AES) as Ae[]).map((ae) => [key, ae, p] as const));

    it.each(cases)('%s to %s: dcmdump and pydicom read the same name in the declared set', async (_key, ae, p) => {
      const { charset, policy } = AES[ae];
      const found = await find(ae, [`PatientID=${p.id}`, 'PatientName']);
      expect(found.files).toHaveLength(1);
      const declared = rawValue(found.raw[0], '0008,0005')?.toString('latin1');
      const bytes = rawValue(found.raw[0], '0010,0010') as Buffer;
      const py = await pydicomName(found.files[0]);
      if (policy === 'utf8') {
        expect(declared).toBe('ISO_IR 192');
        expect(bytes.toString('utf8')).toBe(p.name);
        expect(py).toEqual({ charset: 'ISO_IR 192', name: p.name });
        return;
      }
      const expected = (charset === 'ISO_IR 100' ? p.latin1 : p.ascii)[policy];
      if (charset === 'ISO_IR 6') {
        expect(declared).toBeUndefined(); // the default repertoire is declared by leaving (0008,0005) out
        expect(bytes.every((b) => b < 0x80)).toBe(true);
      } else expect(declared).toBe(charset);
      expect(bytes.toString('latin1')).toBe(expected);
      expect(py).toEqual({ charset: charset === 'ISO_IR 6' ? '' : charset, name: expected });
    });

    it('warns with attribute keyword, AE and step id, never the name; the audit row has the step and the attribute', async () => {
      await find('LATIN_T', ['PatientID=RM-RU', 'PatientName']);
      await find('LATIN_R', ['PatientID=RM-RU', 'PatientName']);
      const out = radflow.output();
      expect(out).toMatch(/"event":"mwl\.value-transliterated"[^\n]*"callingAeTitle":"LATIN_T"[^\n]*"attributes":\["PatientName"\]/);
      expect(out).toMatch(/"event":"mwl\.value-replaced"[^\n]*"callingAeTitle":"LATIN_R"/);
      expect(out).toMatch(/"event":"mwl\.charset-fallback"/);
      for (const p of Object.values(PATIENTS)) {
        expect(out).not.toContain(p.name.split('^')[0]);
        expect(out).not.toContain(p.latin1.transliterate.split('^')[0]);
      }
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ actor: string; detail: { warnings?: Array<{ code: string; steps: string[]; attributes: string[] }> } }>(
          "SELECT actor, detail FROM audit_events WHERE action = 'mwl.query' AND actor = 'LATIN_T' AND detail ? 'warnings'",
        );
        expect(rows.length).toBeGreaterThan(0);
        const warning = rows[rows.length - 1].detail.warnings![0];
        expect(warning).toEqual({ code: 'mwl.value-transliterated', steps: [expect.stringMatching(/^[0-9a-f-]{36}$/)], attributes: ['PatientName'] });
        const stored = await client.query<{ name: string }>('SELECT p.name FROM scheduled_procedure_steps s JOIN patients p ON p.id = s.patient_ref WHERE s.id = $1', [warning.steps[0]]);
        expect(stored.rows[0]?.name).toBe(PATIENTS.cyrillic.name); // the original stays in the stored item
      } finally {
        await client.end();
      }
    });
  });
});
