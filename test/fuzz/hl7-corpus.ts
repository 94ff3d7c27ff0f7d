import * as iconv from 'iconv-lite';
import { adt, omiO23, ormO01 } from '@radflow/testing';
import { Rng } from './rng';

/**
 * Valid synthetic messages the mutators start from: every kind the inbound path knows (ADT^A01,
 * A08, A40, ORM^O01, OMI^O23, ORU^R01 for a study nobody ordered) and batches of them. Every message gets
 * identifiers of its own, derived from the case index, so the database can be asked afterwards
 * whether a refused message left anything behind. All names and numbers are made up.
 */
export interface SeedMessage {
  kind: string;
  controlId: string;
  /** Patient ids, accession numbers, requested procedure and step ids this message carries. */
  ids: string[];
  bytes: Buffer;
}

export interface SeedFrame {
  kind: string;
  /** The messages in this frame: one, or several for a batch. */
  messages: SeedMessage[];
  bytes: Buffer;
}

const NAMES = ['TESTPERSON^ALEX^J', 'MÜLLER-LÜDENSCHEIDT^ZOË', 'OTANI^SHOKO', 'Ōtani^Shoko=大谷^翔子', 'ΔΟΚΙΜΗ^ΑΛΦΑ', 'ТЕСТОВА^АННА', "O\\X27\\BRIEN\\T\\SONS^ANN", 'SYNTH^Z^^^DR'];
const CHARSETS = ['UNICODE UTF-8', '', '8859/1'];

type Builder = (rng: Rng, id: (part: string) => string, controlId: string, charset: string) => { text: string; ids: string[] };

const studyUid = (id: (p: string) => string): string => `2.25.${[...id('U')].map((c) => c.charCodeAt(0)).join('')}`;

const BUILDERS: Record<string, Builder> = {
  'OMI^O23': (rng, id, controlId, charset) => {
    const ipcs = Array.from({ length: rng.int(1, 2) }, (_, k) => ({ spsId: id(`S${k}`), requestedProcedureId: id(`R${k}`), modality: rng.pick(['CT', 'MR', 'US']) }));
    const text = omiO23({ controlId, charset, accession: id('A'), patientId: id('P'), name: rng.pick(NAMES), studyInstanceUid: studyUid(id), placerOrderNumber: `${id('L')}^RIS`, fillerOrderNumber: `${id('F')}^RADFLOW`, ipcs });
    return { text, ids: [id('A'), id('P'), ...ipcs.flatMap((i) => [i.spsId, i.requestedProcedureId])] };
  },
  'ORM^O01': (rng, id, controlId, charset) => {
    const text = ormO01({ controlId, charset, accession: id('A'), patientId: id('P'), name: rng.pick(NAMES), requestedProcedureId: id('R'), spsId: id('S'), studyInstanceUid: studyUid(id), placerOrderNumber: `${id('L')}^RIS`, fillerOrderNumber: `${id('F')}^RADFLOW`, priority: rng.pick(['R', 'S', 'A']) });
    return { text, ids: [id('A'), id('P'), id('R'), id('S')] };
  },
  'ADT^A01': (rng, id, controlId, charset) => ({ text: adt({ event: 'A01', controlId, charset, patientId: id('P'), name: rng.pick(NAMES) }), ids: [id('P')] }),
  'ADT^A08': (rng, id, controlId, charset) => ({ text: adt({ event: 'A08', controlId, charset, patientId: id('P'), name: rng.pick(NAMES) }), ids: [id('P')] }),
  'ADT^A40': (_rng, id, controlId, charset) => ({ text: adt({ event: 'A40', controlId, charset, patientId: id('P'), priorPatientId: id('Q') }), ids: [id('P'), id('Q')] }),
  'ORU^R01': (rng, id, controlId, charset) => {
    const text = [
      `MSH|^~\\&|RIS|HOSP_A|RADFLOW|RAD|20261123101500||ORU^R01^ORU_R01|${controlId}|P|2.5.1|||||${charset}`,
      `PID|1||${id('P')}^^^HOSP_A^MR||${rng.pick(NAMES)}||19800215|F`,
      `OBR|1|${id('L')}^RIS|${id('F')}^RADFLOW|CTHEAD^CT head^LOCAL`,
      'OBX|1|TX|REPORT^Report^LOCAL||No acute findings.||||||F',
    ].join('\r') + '\r';
    return { text, ids: [id('P')] };
  },
};

export const SEED_KINDS = [...Object.keys(BUILDERS), 'batch'] as const;

/** One seed message; `tag` is unique to the case and `n` to the message within it. */
export function seedMessage(rng: Rng, kind: string, tag: string, n: number): SeedMessage {
  const id = (part: string): string => `${part}${tag}-${n}`;
  const controlId = `C${tag}-${n}`;
  const requested = rng.pick(CHARSETS);
  const built = BUILDERS[kind](rng, id, controlId, requested);
  // Latin-1 only when the names fit it; otherwise the message says UTF-8 and is UTF-8.
  const latin1 = requested === '8859/1' && iconv.encodingExists('latin1') && iconv.decode(iconv.encode(built.text, 'latin1'), 'latin1') === built.text;
  const text = requested === '8859/1' && !latin1 ? built.text.replace('|8859/1', '|UNICODE UTF-8') : built.text;
  return { kind, controlId, ids: built.ids, bytes: latin1 ? iconv.encode(text, 'latin1') : Buffer.from(text, 'utf8') };
}

/** A frame's payload: one message, or a BHS…BTS batch of two or three. */
export function seedFrame(rng: Rng, tag: string, frameIndex: number): SeedFrame {
  const kinds = Object.keys(BUILDERS);
  const kind = rng.weighted([[3, 'single'], [1, 'batch']] as const) === 'batch' ? 'batch' : rng.pick(kinds);
  if (kind !== 'batch') {
    const m = seedMessage(rng, kind, tag, frameIndex * 10);
    return { kind, messages: [m], bytes: m.bytes };
  }
  const messages = Array.from({ length: rng.int(2, 3) }, (_, k) => seedMessage(rng, rng.pick(['OMI^O23', 'ORM^O01', 'ADT^A08']), tag, frameIndex * 10 + k));
  const body = messages.map((m) => m.bytes.toString('latin1').replace(/\r$/, ''));
  const text = [`BHS|^~\\&|RIS|HOSP_A|RADFLOW|RAD|20261123101500`, ...body, `BTS|${messages.length}`].join('\r') + '\r';
  return { kind: 'batch', messages, bytes: Buffer.from(text, 'latin1') };
}
