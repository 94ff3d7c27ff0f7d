/**
 * Synthetic demo orders: invented patients only. A seeded generator, so every fresh start shows
 * the same worklist. Mixes the two feeds sites run: OMI^O23 v2.5.1 in UTF-8 and ORM^O01 v2.3.1
 * in ISO 8859-1.
 */
const FAMILY = ['Meyer', 'Okafor', 'Lindqvist', 'Müller', 'García', 'Nowak', 'Haddad', 'Jensen', 'Øberg', 'Kowalczyk', 'Dubois', 'Rossi', 'Tanaka', 'Brennan', 'Fähnrich', 'Novák', 'Costa', 'Ahmadi', 'Weiß', 'Sørensen'];
const GIVEN = ['Anna', 'Chidi', 'Elin', 'Jürgen', 'José', 'Zofia', 'Rami', 'Mette', 'Åsa', 'Piotr', 'Léa', 'Marco', 'Yuki', 'Siobhán', 'Renée', 'Tomáš', 'Inês', 'Darius', 'Grete', 'Søren'];
const PROCEDURES: [string, string, string, string][] = [
  ['CT', 'CTHEAD', 'CT head without contrast', 'CT01'],
  ['CT', 'CTCHEST', 'CT chest with contrast', 'CT02'],
  ['MR', 'MRKNEE', 'MR knee left', 'MR01'],
  ['MR', 'MRBRAIN', 'MR brain with and without contrast', 'MR01'],
  ['US', 'USABD', 'US abdomen complete', 'US01'],
  ['CR', 'CRCHEST', 'Chest PA and lateral', 'CR01'],
  ['DX', 'DXHAND', 'Hand 3 views right', 'DX01'],
  ['MG', 'MGSCREEN', 'Screening mammogram bilateral', 'MG01'],
  ['NM', 'NMBONE', 'Bone scan whole body', 'NM01'],
  ['PT', 'PTFDG', 'PET-CT FDG skull base to thigh', 'PT01'],
  ['XA', 'XACOR', 'Coronary angiography', 'XA01'],
];
const PRIORITIES = ['R', 'R', 'R', 'R', 'A', 'S', 'T'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dtm = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}00`;

export interface DemoMessage {
  text: string;
  charset: 'utf8' | 'latin1';
}

export function demoOrders(count: number, now = new Date(), seed = 20261123): DemoMessage[] {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const out: DemoMessage[] = [];
  for (let i = 1; i <= count; i++) {
    const [modality, code, text, station] = pick(PROCEDURES);
    const start = new Date(now);
    start.setDate(start.getDate() + Math.floor(r() * 5) - 2);
    start.setHours(7 + Math.floor(r() * 11), Math.floor(r() * 4) * 15, 0, 0);
    const birth = `${1935 + Math.floor(r() * 80)}${pad(1 + Math.floor(r() * 12))}${pad(1 + Math.floor(r() * 28))}`;
    const o = {
      n: i, modality, code, text, station, start: dtm(start), birth, priority: pick(PRIORITIES),
      family: pick(FAMILY), given: pick(GIVEN), sex: r() < 0.5 ? 'F' : 'M', pid: `DEMO${pad(i, 5)}`, acc: `DACC${pad(i, 6)}`,
    };
    // the 8859/1 feed can only carry names Latin-1 can write
    const latin1 = /^[\x00-\xff]*$/.test(o.family + o.given);
    out.push(i % 3 === 0 && latin1 ? ormO01(o) : omiO23(o));
  }
  return out;
}

/** A segment from field number → value, so positions read like the standard (OBR-18). */
function seg(name: string, fields: Record<number, string>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  return [name, ...Array.from({ length: last }, (_, i) => fields[i + 1] ?? '')].join('|');
}

type Order = { n: number; modality: string; code: string; text: string; station: string; start: string; birth: string; priority: string; family: string; given: string; sex: string; pid: string; acc: string };

function omiO23(o: Order): DemoMessage {
  const segs = [
    `MSH|^~\\&|DEMO_RIS|DEMO_HOSP|RADFLOW|RADIOLOGY|${o.start}||OMI^O23^OMI_O23|DEMO-OMI-${o.n}|P|2.5.1|||AL|NE||UNICODE UTF-8`,
    `PID|1||${o.pid}^^^DEMOHOSP^MR||${o.family}^${o.given}||${o.birth}|${o.sex}`,
    `PV1|1|O|RAD^WAIT^1||||1234^Referrer^Rita^^^Dr`,
    `ORC|NW|PO${o.n}|FO${o.n}||SC||||${o.start}|||5678^Orderer^Otto^^^Dr`,
    `TQ1|1||||||${o.start}||${o.priority}`,
    seg('OBR', { 1: '1', 2: `PO${o.n}`, 3: `FO${o.n}`, 4: `${o.code}^${o.text}^DEMO`, 16: '5678^Orderer^Otto^^^Dr', 44: `${o.code}^${o.text}^DEMO` }),
    seg('IPC', { 1: o.acc, 2: `RP${o.n}`, 4: `SPS${o.n}`, 5: o.modality, 6: `${o.code}^${o.text}^DEMO`, 7: o.station, 9: o.station }),
  ];
  return { text: segs.join('\r') + '\r', charset: 'utf8' };
}

function ormO01(o: Order): DemoMessage {
  const segs = [
    `MSH|^~\\&|DEMO_RIS|DEMO_HOSP|RADFLOW|RADIOLOGY|${o.start}||ORM^O01|DEMO-ORM-${o.n}|P|2.3.1||||||8859/1`,
    `PID|1||${o.pid}^^^DEMOHOSP^MR||${o.family}^${o.given}||${o.birth}|${o.sex}`,
    `PV1|1|O|RAD^WAIT^1||||1234^Referrer^Rita^^^Dr`,
    `ORC|NW|PO${o.n}|FO${o.n}||SC||^^^${o.start}^^${o.priority}`,
    seg('OBR', { 1: '1', 2: `PO${o.n}`, 3: `FO${o.n}`, 4: `${o.code}^${o.text}^DEMO^${o.code}^${o.text}^DEMO`, 16: '5678^Orderer^Otto^^^Dr', 18: o.acc, 19: `RP${o.n}`, 20: `SPS${o.n}`, 24: o.modality }),
    `ZDS|1.2.826.0.1.3680043.10.1055.${o.n}^100^Application^DICOM`,
  ];
  return { text: segs.join('\r') + '\r', charset: 'latin1' };
}
