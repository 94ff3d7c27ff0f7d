import { DicomDataset, DicomElement } from '../dimse/dicom-dataset';

/** PS3.18 F.2 DICOM JSON: attributes by 8-digit hex tag, each with its VR and values. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[]; InlineBinary?: string }>;

/** A decoded dataset as DICOM JSON, to store whole: what a later N-GET or a person would read. */
export function toDicomJson(ds: DicomDataset): DicomJson {
  const out: DicomJson = {};
  for (const t of [...ds.keys()].sort((a, b) => a - b)) out[(t >>> 0).toString(16).toUpperCase().padStart(8, '0')] = element(ds.get(t) as DicomElement);
  return out;
}

function element(el: DicomElement): DicomJson[string] {
  if (el.vr === 'SQ') return el.value.length ? { vr: 'SQ', Value: el.value.map(toDicomJson) } : { vr: 'SQ' };
  if (typeof el.value === 'string') {
    if (el.value === '') return { vr: el.vr };
    const values = el.vr === 'LT' || el.vr === 'ST' || el.vr === 'UT' ? [el.value] : el.value.split('\\');
    return { vr: el.vr, Value: values.map((v) => stringValue(el.vr, v)) };
  }
  if (el.value instanceof Uint8Array) return el.value.length ? { vr: el.vr, InlineBinary: Buffer.from(el.value).toString('base64') } : { vr: el.vr };
  if (el.vr === 'AT') return { vr: 'AT', Value: el.value.map((t) => (t >>> 0).toString(16).toUpperCase().padStart(8, '0')) };
  return el.value.length ? { vr: el.vr, Value: el.value } : { vr: el.vr };
}

function stringValue(vr: string, v: string): unknown {
  if (vr === 'PN') {
    const [Alphabetic, Ideographic, Phonetic] = v.split('=');
    return Object.fromEntries(Object.entries({ Alphabetic, Ideographic, Phonetic }).filter(([, x]) => x));
  }
  if (vr === 'DS' || vr === 'IS') {
    const n = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  return v;
}
