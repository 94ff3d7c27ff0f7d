import { ASCII_G0, CodeElement, ELEMENTS_BY_ESCAPE, ISO2022_TERMS } from './code-elements';
import { unrepresentable } from './charset.errors';
import type { TextCodec } from './text-codec.types';

const ESC = 0x1b;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const EQUALS = 0x3d;

/** PS3.5 6.1.2.5.3: the initial sets come back before these (PN adds its component/group delimiters). */
function isResetPoint(byte: number, personName: boolean): boolean {
  return byte < 0x20 || byte === BACKSLASH || (personName && (byte === CARET || byte === EQUALS));
}

/**
 * ISO 2022 with code extensions (multi-valued or `ISO 2022 IR nnn` (0008,0005)). Neither iconv-lite
 * nor Node's TextDecoder handles DICOM's mix (GR katakana, JIS X 0212, G1 Korean/Chinese), so the
 * G0/G1 switching is ours and only the per-set tables come from iconv-lite.
 */
export class Iso2022Codec implements TextCodec {
  readonly simple = undefined;
  private readonly initialG0: CodeElement;
  private readonly initialG1: CodeElement | undefined;
  private readonly asciiG0: CodeElement;
  private readonly candidates: readonly CodeElement[];

  constructor(readonly terms: readonly string[]) {
    const first = ISO2022_TERMS[terms[0] || 'ISO 2022 IR 6'] ?? [ASCII_G0];
    this.initialG0 = first.find((el) => el.slot === 0) ?? ASCII_G0;
    this.initialG1 = first.find((el) => el.slot === 1);
    this.asciiG0 = this.initialG0.asciiCompatible ? this.initialG0 : ASCII_G0;
    this.candidates = terms.flatMap((t) => ISO2022_TERMS[t || 'ISO 2022 IR 6'] ?? []);
  }

  decode(bytes: Uint8Array, personName: boolean): string {
    let g0 = this.initialG0;
    let g1 = this.initialG1;
    let lastG1 = g1;
    let out = '';
    let run: number[] = [];
    let runElement: CodeElement | undefined;
    const flush = (): void => {
      if (run.length && runElement) out += runElement.decodeRun(run);
      run = [];
      runElement = undefined;
    };
    const push = (el: CodeElement, ...bs: number[]): void => {
      if (runElement !== el) flush();
      runElement = el;
      run.push(...bs);
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === ESC) {
        flush();
        const end = escapeEnd(bytes, i);
        const el = ELEMENTS_BY_ESCAPE.get(Array.from(bytes.subarray(i, end)).join(','));
        if (el?.slot === 0) g0 = el;
        else if (el) g1 = lastG1 = el;
        i = end - 1;
      } else if (b <= 0x20 || b === 0x7f) {
        flush();
        out += String.fromCharCode(b);
        if (b !== 0x20) [g0, g1] = [this.initialG0, this.initialG1];
      } else if (b < 0x80) {
        if (g0.width === 2) {
          push(g0, b | 0x80, (bytes[++i] ?? 0) | 0x80);
        } else if (isResetPoint(b, personName)) {
          flush();
          out += String.fromCharCode(b);
          [g0, g1] = [this.initialG0, this.initialG1];
        } else {
          push(g0, b);
        }
      } else {
        // Leniency: some writers designate G1 once per value, not after every reset point.
        const set = b >= 0xa0 ? (g1 ?? lastG1) : undefined;
        if (!set) {
          flush();
          out += '\ufffd';
        } else if (set.width === 2) {
          push(set, b, bytes[++i] ?? 0);
        } else {
          push(set, b);
        }
      }
    }
    flush();
    return out;
  }

  encode(value: string, personName: boolean): Buffer {
    const out: number[] = [];
    let g0 = this.initialG0;
    let g1 = this.initialG1;
    const designate = (el: CodeElement): void => {
      if (el.slot === 0 ? g0 === el : g1 === el) return;
      out.push(...el.escape);
      if (el.slot === 0) g0 = el;
      else g1 = el;
    };
    const reset = (): void => {
      if (g0 !== this.initialG0) out.push(...this.initialG0.escape);
      if (g1 !== this.initialG1 && this.initialG1) out.push(...this.initialG1.escape);
      g0 = this.initialG0;
      g1 = this.initialG1;
    };
    for (const ch of value) {
      const cp = ch.codePointAt(0) as number;
      if (cp < 0x80) {
        if (isResetPoint(cp, personName) || cp === 0x7f) reset();
        else if (g0.width !== 1 || !g0.asciiCompatible) designate(this.asciiG0);
        out.push(cp);
        continue;
      }
      const el = this.pick(cp, g0, g1);
      if (!el) throw unrepresentable(this.terms, cp);
      designate(el);
      for (const byte of el.encodeChar(cp) as readonly number[]) out.push(el.slot === 0 ? byte & 0x7f : byte);
    }
    reset();
    return Buffer.from(out);
  }

  /** Prefer the sets already invoked (fewer escapes), then the declared order. */
  private pick(cp: number, g0: CodeElement, g1: CodeElement | undefined): CodeElement | undefined {
    if (!g0.asciiCompatible && g0.encodeChar(cp)) return g0;
    if (g1?.encodeChar(cp)) return g1;
    return this.candidates.find((el) => !el.asciiCompatible && el.encodeChar(cp));
  }
}

/** Index just past an escape sequence: ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E. */
function escapeEnd(bytes: Uint8Array, start: number): number {
  let i = start + 1;
  while (i < bytes.length && bytes[i] >= 0x20 && bytes[i] <= 0x2f) i++;
  return Math.min(i + 1, bytes.length);
}
