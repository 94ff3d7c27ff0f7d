import iconv from 'iconv-lite';

/**
 * Both directions of an 8-bit character set, built once from iconv-lite's table. We encode through
 * our own reverse map because iconv-lite replaces unmappable characters with '?' without telling us.
 */
export class SingleByteTable {
  private static readonly cache = new Map<string, SingleByteTable>();

  private constructor(
    readonly decodeTable: readonly string[],
    private readonly encodeMap: ReadonlyMap<number, number>,
  ) {}

  static of(iconvName: string): SingleByteTable {
    let table = SingleByteTable.cache.get(iconvName);
    if (!table) {
      table = SingleByteTable.build(iconvName);
      SingleByteTable.cache.set(iconvName, table);
    }
    return table;
  }

  private static build(iconvName: string): SingleByteTable {
    const all = Buffer.alloc(256);
    for (let b = 0; b < 256; b++) all[b] = b;
    const chars = Array.from(iconv.decode(all, iconvName));
    const decodeTable: string[] = [];
    const encodeMap = new Map<number, number>();
    for (let b = 0; b < 256; b++) {
      const ch = chars[b] ?? '\ufffd';
      decodeTable.push(ch);
      const cp = ch.codePointAt(0) ?? 0xfffd;
      // Unassigned positions decode to U+FFFD; never map U+FFFD back to a byte.
      if (cp !== 0xfffd && !encodeMap.has(cp)) encodeMap.set(cp, b);
    }
    return new SingleByteTable(decodeTable, encodeMap);
  }

  /** Byte for a code point, or -1 when the set has no such character. */
  byteOf(codePoint: number): number {
    return this.encodeMap.get(codePoint) ?? -1;
  }

  decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
    let out = '';
    for (let i = start; i < end; i++) out += this.decodeTable[bytes[i]];
    return out;
  }
}
