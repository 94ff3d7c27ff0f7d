import { Tags, vrOf } from './dicom-dictionary';
import { BinaryVr, isNumberVr, isStringVr, NumberVr, StringVr } from './vr';

/**
 * One attribute. String VRs hold the whole decoded value as a JS string, multiple values still
 * joined by `\` and trailing padding removed; matching code splits when it needs to.
 */
export type DicomElement =
  | { vr: StringVr; value: string }
  | { vr: NumberVr; value: number[] }
  | { vr: 'SQ'; value: DicomDataset[] }
  | { vr: BinaryVr; value: Uint8Array };

/** Tag (group << 16 | element, unsigned) → element. Insertion order is free; the encoder sorts. */
export type DicomDataset = Map<number, DicomElement>;

export function tag(group: number, element: number): number {
  return ((group & 0xffff) * 0x10000 + (element & 0xffff)) >>> 0;
}

/** `(0010,0010)` — the form DICOM people grep for in logs. */
export function formatTag(t: number): string {
  const hex = (t >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

export function createDataset(elements: Iterable<readonly [number, DicomElement]> = []): DicomDataset {
  return new Map(elements);
}

export function getString(ds: DicomDataset, t: number): string | undefined {
  const el = ds.get(t);
  return el && typeof el.value === 'string' ? el.value : undefined;
}

/** Values of a multi-valued string attribute; [] when absent or zero-length. */
export function getStrings(ds: DicomDataset, t: number): string[] {
  const v = getString(ds, t);
  return v ? v.split('\\') : [];
}

export function getNumbers(ds: DicomDataset, t: number): number[] | undefined {
  const el = ds.get(t);
  return el && isNumberVr(el.vr) ? (el.value as number[]) : undefined;
}

export function getSequence(ds: DicomDataset, t: number): DicomDataset[] | undefined {
  const el = ds.get(t);
  return el?.vr === 'SQ' ? el.value : undefined;
}

/** Sets a string attribute; the VR comes from the dictionary unless given. */
export function setString(ds: DicomDataset, t: number, value: string, vr?: StringVr): DicomDataset {
  const chosen = vr ?? vrOf(t);
  if (!isStringVr(chosen)) throw new TypeError(`${formatTag(t)} has VR ${chosen}, not a string VR`);
  ds.set(t, { vr: chosen, value });
  return ds;
}

export function setNumbers(ds: DicomDataset, t: number, value: number[], vr?: NumberVr): DicomDataset {
  const chosen = vr ?? vrOf(t);
  if (!isNumberVr(chosen)) throw new TypeError(`${formatTag(t)} has VR ${chosen}, not a numeric VR`);
  ds.set(t, { vr: chosen, value });
  return ds;
}

export function setSequence(ds: DicomDataset, t: number, items: DicomDataset[]): DicomDataset {
  ds.set(t, { vr: 'SQ', value: items });
  return ds;
}

/** The dataset's own (0008,0005) as a raw string, if present. */
export function getSpecificCharacterSet(ds: DicomDataset): string | undefined {
  return getString(ds, Tags.SpecificCharacterSet);
}
