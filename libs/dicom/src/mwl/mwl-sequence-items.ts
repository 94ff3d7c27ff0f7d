import { DicomDataset, DicomElement } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { BINARY_VRS, BinaryVr, isNumberVr, StringVr } from '../dimse/vr';
import type { ValueKind } from './mwl-columns';
import type { MwlKeyDef } from './mwl-keys';

/** Stored shapes (see pg-workflow.store / CodedEntry, IssuerRef, PatientIdentifier in @radflow/domain). */
interface StoredCode {
  value?: string;
  scheme?: string;
  meaning?: string;
  version?: string;
}
interface StoredIssuer {
  namespaceId?: string;
  universalId?: string;
  universalIdType?: string;
}
interface StoredIdentifier {
  id?: string;
  issuer?: string;
  universalId?: string;
  universalIdType?: string;
  typeCode?: string;
}

export type TextTracker = (value: string, personName: boolean) => void;

/**
 * Items of a return-only sequence key from its stored JSON. `subset` (the item keys the query
 * named) limits what each item carries; a named key we hold no value for is sent zero-length.
 */
export function buildSequenceItems(kind: ValueKind, values: readonly unknown[], subset: readonly MwlKeyDef[] | undefined, track: TextTracker): DicomDataset[] {
  const items = fullItems(kind, values, track);
  return subset ? items.map((item) => pick(item, subset)) : items;
}

function fullItems(kind: ValueKind, values: readonly unknown[], track: TextTracker): DicomDataset[] {
  switch (kind) {
    case 'code-items':
      return Array.isArray(values[0]) ? (values[0] as StoredCode[]).filter(isObject).map((c) => codeItem(c, track)) : [];
    case 'code-item':
      return isObject(values[0]) ? [codeItem(values[0] as StoredCode, track)] : [];
    case 'issuer-item':
      return isObject(values[0]) ? issuerItems(values[0] as StoredIssuer, track) : [];
    case 'issuer-qualifiers':
      return qualifierItems(values[0], values[1], values[2], track);
    case 'other-ids':
      return Array.isArray(values[0]) ? (values[0] as StoredIdentifier[]).filter(isObject).map((id) => otherIdItem(id, track)) : [];
    default:
      return [];
  }
}

/**
 * A code item (PS3.3 8.8): Code Value holds at most 16 characters; longer codes go to Long Code
 * Value, and URNs/URLs to URN Code Value, as PS3.3 Table 8.8-1a prescribes.
 */
function codeItem(c: StoredCode, track: TextTracker): DicomDataset {
  const ds: DicomDataset = new Map();
  const v = str(c.value);
  if (/^(urn:|https?:)/i.test(v)) ds.set(Tags.URNCodeValue, { vr: 'UR', value: v });
  else if (v.length > 16) ds.set(Tags.LongCodeValue, { vr: 'UC', value: tracked(v, track) });
  else ds.set(Tags.CodeValue, { vr: 'SH', value: tracked(v, track) });
  ds.set(Tags.CodingSchemeDesignator, { vr: 'SH', value: tracked(str(c.scheme), track) });
  if (c.version) ds.set(Tags.CodingSchemeVersion, { vr: 'SH', value: tracked(str(c.version), track) });
  ds.set(Tags.CodeMeaning, { vr: 'LO', value: tracked(str(c.meaning), track) });
  return ds;
}

function issuerItems(i: StoredIssuer, track: TextTracker): DicomDataset[] {
  if (!i.namespaceId && !i.universalId) return [];
  const ds: DicomDataset = new Map();
  if (i.namespaceId) ds.set(Tags.LocalNamespaceEntityID, { vr: 'UT', value: tracked(i.namespaceId, track) });
  if (i.universalId) {
    ds.set(Tags.UniversalEntityID, { vr: 'UT', value: tracked(i.universalId, track) });
    ds.set(Tags.UniversalEntityIDType, { vr: 'CS', value: ascii(i.universalIdType) });
  }
  return [ds];
}

function qualifierItems(universalId: unknown, universalIdType: unknown, typeCode: unknown, track: TextTracker): DicomDataset[] {
  if (!universalId && !typeCode) return [];
  const ds: DicomDataset = new Map();
  if (universalId) {
    ds.set(Tags.UniversalEntityID, { vr: 'UT', value: tracked(str(universalId), track) });
    ds.set(Tags.UniversalEntityIDType, { vr: 'CS', value: ascii(universalIdType) });
  }
  if (typeCode) ds.set(Tags.IdentifierTypeCode, { vr: 'CS', value: ascii(typeCode) });
  return [ds];
}

function otherIdItem(id: StoredIdentifier, track: TextTracker): DicomDataset {
  const ds: DicomDataset = new Map();
  ds.set(Tags.PatientID, { vr: 'LO', value: tracked(str(id.id), track) });
  ds.set(Tags.IssuerOfPatientID, { vr: 'LO', value: tracked(str(id.issuer), track) });
  // Type of Patient ID is type 1 in this item; TEXT is the only value that fits any identifier.
  ds.set(Tags.TypeOfPatientID, { vr: 'CS', value: 'TEXT' });
  const qualifiers = qualifierItems(id.universalId, id.universalIdType, id.typeCode, track);
  if (qualifiers.length) ds.set(Tags.IssuerOfPatientIDQualifiersSequence, { vr: 'SQ', value: qualifiers });
  return ds;
}

function pick(item: DicomDataset, subset: readonly MwlKeyDef[]): DicomDataset {
  const out: DicomDataset = new Map();
  for (const def of subset) {
    let t = def.tag;
    let el = item.get(t);
    // A query naming Code Value also gets the long or URN form the code was stored in.
    if (!el && t === Tags.CodeValue) {
      t = item.has(Tags.LongCodeValue) ? Tags.LongCodeValue : Tags.URNCodeValue;
      el = item.get(t);
      if (!el) t = def.tag;
    }
    out.set(t, el ?? empty(def));
  }
  return out;
}

function empty(def: MwlKeyDef): DicomElement {
  if (def.vr === 'SQ') return { vr: 'SQ', value: [] };
  if (isNumberVr(def.vr)) return { vr: def.vr, value: [] };
  // A key outside the model keeps the VR it came with, UN included.
  if (BINARY_VRS.has(def.vr)) return { vr: def.vr as BinaryVr, value: new Uint8Array(0) };
  return { vr: def.vr as StringVr, value: '' };
}

function tracked(value: string, track: TextTracker): string {
  if (value) track(value, false);
  return value;
}

function str(v: unknown): string {
  return v == null ? '' : String(v);
}

/** CS values are ASCII by definition; anything else is dropped rather than fail the encode. */
function ascii(v: unknown): string {
  const s = str(v);
  return /^[\x20-\x7e]*$/.test(s) ? s : '';
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
