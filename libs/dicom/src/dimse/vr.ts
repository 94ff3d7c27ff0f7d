/** Value Representations of PS3.5 Table 6.2-1. */
export type StringVr = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UC' | 'UI' | 'UR' | 'UT';
export type NumberVr = 'AT' | 'FD' | 'FL' | 'SL' | 'SS' | 'UL' | 'US';
export type BinaryVr = 'OB' | 'OD' | 'OF' | 'OL' | 'OV' | 'OW' | 'SV' | 'UN' | 'UV';
export type Vr = StringVr | NumberVr | BinaryVr | 'SQ';

/** PS3.5 6.1.2.3: only these may carry characters outside the default repertoire. */
export const TEXT_VRS: ReadonlySet<string> = new Set<Vr>(['SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN']);
export const STRING_VRS: ReadonlySet<string> = new Set<Vr>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
/** Bytes per value of the binary numeric VRs. */
export const NUMBER_VR_SIZE: Readonly<Record<NumberVr, number>> = { AT: 4, FD: 8, FL: 4, SL: 4, SS: 2, UL: 4, US: 2 };
export const BINARY_VRS: ReadonlySet<string> = new Set<Vr>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SV', 'UN', 'UV']);
/** PS3.5 7.1.2: explicit VR elements with a 2-byte reserved field and a 4-byte length. */
export const LONG_LENGTH_VRS: ReadonlySet<string> = new Set<Vr>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const ALL_VRS: ReadonlySet<string> = new Set([...STRING_VRS, ...Object.keys(NUMBER_VR_SIZE), ...BINARY_VRS, 'SQ']);

const VR_BY_CODE = new Map<number, Vr>(Array.from(ALL_VRS, (vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr as Vr]));

/** VR from the two bytes of an explicit VR header without building a string (decoder hot path). */
export function vrFromBytes(b0: number, b1: number): Vr | undefined {
  return VR_BY_CODE.get((b0 << 8) | b1);
}

export function isVr(code: string): code is Vr {
  return ALL_VRS.has(code);
}

export function isStringVr(vr: Vr): vr is StringVr {
  return STRING_VRS.has(vr);
}

export function isNumberVr(vr: Vr): vr is NumberVr {
  return vr in NUMBER_VR_SIZE;
}
