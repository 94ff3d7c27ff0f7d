import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface OrderSet {
  /** Unframed payloads, one per order. */
  messages: Buffer[];
  /** Where they came from, for the report. */
  source: string;
}

const PYTHON = '/usr/bin/python3';

/**
 * The peer harness's seeded orders (the same items the DICOM peers are loaded with), or, when the
 * harness or its Python cannot run here, orders from our own generator below, and the report says so.
 */
export function loadOrders(repoRoot: string, count: number, peersDir = process.env.PEERS_DIR ?? '../shared/peers'): OrderSet {
  const dir = resolve(repoRoot, peersDir);
  const script = join(dir, 'gen_hl7_orders.py');
  const why = !existsSync(script) ? `${script} not found` : !existsSync(PYTHON) ? `${PYTHON} not found` : null;
  if (!why) {
    const out = mkdtempSync(join(tmpdir(), 'radflow-bench-'));
    try {
      execFileSync(PYTHON, [script, String(count), join(out, 'orders.hl7')], { stdio: ['ignore', 'ignore', 'pipe'] });
      return { messages: unframe(readFileSync(join(out, 'orders.hl7'))), source: `gen_hl7_orders.py ${count} (seed 42)` };
    } catch (e) {
      return fallback(count, `gen_hl7_orders.py failed: ${firstLine(e)}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return fallback(count, why);
}

/** Splits a file of MLLP frames (0x0B payload 0x1C 0x0D, back to back) into payloads. */
export function unframe(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const start = data.indexOf(0x0b, pos);
    if (start < 0) return out;
    const end = data.indexOf(Buffer.from([0x1c, 0x0d]), start);
    if (end < 0) return out;
    out.push(data.subarray(start + 1, end));
    pos = end + 2;
  }
}

/**
 * The same messages with other identities: MSH-10, accession, RP and SPS IDs and placer/filler
 * numbers get `tag` in front, Study Instance UIDs get `.n` appended. Used for warm-up traffic that
 * must not collide with the measured orders (a second NW for an accession is refused with AE).
 */
export function retag(messages: Buffer[], tag: string, n: number): Buffer[] {
  const prefix = (v: string | undefined) => (v ? tag + v : v);
  return messages.map((m) => {
    const segs = m.toString('utf8').split('\r').map((seg) => {
      const f = seg.split('|');
      if (f[0] === 'MSH') f[9] = prefix(f[9])!;
      if (f[0] === 'ORC' || f[0] === 'OBR') [f[2], f[3]] = [prefix(f[2])!, prefix(f[3])!];
      if (f[0] === 'IPC') {
        [f[1], f[2], f[4]] = [prefix(f[1])!, prefix(f[2])!, prefix(f[4])!];
        if (f[3]) f[3] = `${f[3]}.${n}`;
      }
      return f.join('|');
    });
    return Buffer.from(segs.join('\r'), 'utf8');
  });
}

function fallback(count: number, why: string): OrderSet {
  const messages = Array.from({ length: count }, (_, k) => Buffer.from(ownOrder(k + 1), 'utf8'));
  return { messages, source: `own generator (peer harness not used: ${why})` };
}

const MODALITIES = ['CT', 'MR', 'US', 'CR', 'NM'];
const NAMES = ['SMITH^ANNA', 'GARCIA^LUIS', 'MÜLLER^JÖRG', 'NGUYEN^LINH', 'OKAFOR^CHIDI', 'ROSSI^GIULIA'];

/** An OMI^O23 shaped like the harness's (same segments and fields), with synthetic values only. */
function ownOrder(i: number): string {
  const id = String(i).padStart(7, '0');
  const modality = MODALITIES[i % MODALITIES.length];
  const day = String(1 + (i % 28)).padStart(2, '0');
  return [
    `MSH|^~\\&|RIS|HOSP_A|RADFLOW|HOSP_A|20261122120000||OMI^O23^OMI_O23|MSG${id}|P|2.5.1|||||||UNICODE UTF-8`,
    `PID|1||P${id}^^^HOSP_A^MR||${NAMES[i % NAMES.length]}||19${50 + (i % 50)}0101|${i % 2 ? 'F' : 'M'}`,
    `PV1|1|O|||||||REFERRER^PAT`,
    `ORC|NW|PL${id}^RIS|FL${id}^RADFLOW||SC||||20261122120000`,
    `TQ1|1||||||202612${day}093000||${'RAS'[i % 3]}`,
    `OBR|1|PL${id}^RIS|FL${id}^RADFLOW|PROC${i % 100}^${modality} EXAM^LOCAL`,
    `IPC|A${id}|RP${id}|2.25.${1000000 + i}|SPS${id}|${modality}||||${modality}01`,
    '',
  ].join('\r');
}

function firstLine(e: unknown): string {
  const err = e as { stderr?: Buffer; message?: string };
  return (err.stderr?.toString().trim() || err.message || String(e)).split('\n').pop()!;
}
