import { SeedFrame, SeedMessage, seedFrame } from './hl7-corpus';
import { HL7_MUTATOR_NAMES, HL7_MUTATORS } from './hl7-mutators';
import { FRAMING_ATTACK_NAMES, FRAMING_ATTACKS, WirePlan, expectedAnswers } from './mllp-framing';
import { Rng } from './rng';

export interface Hl7Case {
  index: number;
  /** Seed kinds, mutations and framing attack, for the report. */
  labels: string[];
  messages: SeedMessage[];
  plan: WirePlan;
  expected: number;
}

/** Case ids stay short (accession numbers are SH, 16 chars) and unique within a run's database. */
const caseTag = (index: number): string => `F${index.toString(36).toUpperCase()}`;

/** Case `index` of the run seeded with `seed`: a pure function of the two. */
export function hl7Case(seed: number, index: number, maxMessageBytes: number): Hl7Case {
  const rng = Rng.forCase(seed, 'hl7', index);
  const tag = caseTag(index);
  const first: SeedFrame = seedFrame(rng, tag, 0);
  const others = Array.from({ length: rng.int(1, 2) }, (_, k) => seedFrame(rng, tag, k + 1));
  // One case in eight goes out unmutated: the valid seeds must keep getting AA.
  const mutations = rng.chance(0.125) ? [] : Array.from({ length: rng.weighted([[6, 1], [3, 2], [1, 3]] as const) }, () => rng.pick(HL7_MUTATOR_NAMES));
  let payload = first.bytes;
  for (const m of mutations) payload = HL7_MUTATORS[m](rng, payload);
  const attack = rng.weighted<string>([[10, 'oneWrite'], ...FRAMING_ATTACK_NAMES.filter((a) => a !== 'oneWrite').map((a) => [1, a] as const)]);
  const writes = FRAMING_ATTACKS[attack](rng, payload, others.map((o) => o.bytes));
  const usesOthers = /Next|WithoutCr|pipelined/.test(attack);
  const messages = [...first.messages, ...(usesOthers ? others.flatMap((o) => o.messages) : [])];
  return {
    index,
    labels: [first.kind, ...mutations, attack],
    messages,
    plan: { attack, writes, waitForAcks: rng.chance(0.5) },
    expected: expectedAnswers(Buffer.concat(writes), maxMessageBytes),
  };
}
