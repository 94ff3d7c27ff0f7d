import { ReconciliationReason, ScheduledStepReference } from './performed-step';
import type { StepCandidate } from './performed-step.store';

/** The steps a reference names, or why it names none. */
export type ReferenceMatch = { steps: StepCandidate[] } | { steps: []; unmatched: ReconciliationReason };

type Rule = (ref: ScheduledStepReference, c: StepCandidate) => boolean;

const same = (a: string | undefined, b: string | undefined): boolean => !!a && !!b && a === b;

/**
 * Keys to try, most precise first (mpps-and-status.md §3): the modality copies them from the
 * worklist, but some drop or retype one. The first rule that finds steps wins. An accession alone
 * names a step only when its order has a single requested procedure.
 */
const RULES: readonly Rule[] = [
  (r, c) => same(r.spsId, c.spsId) && same(r.accessionNumber, c.accessionNumber),
  (r, c) => same(r.accessionNumber, c.accessionNumber) && same(r.requestedProcedureId, c.requestedProcedureId),
  (r, c) => same(r.studyInstanceUid, c.studyInstanceUid),
  (r, c) => same(r.accessionNumber, c.accessionNumber) && c.proceduresInOrder === 1,
];

/**
 * The scheduled steps one reference of a performed step names. When a rule finds several steps of
 * one procedure (the SPS ID did not decide), those of the performed modality are preferred.
 */
export function matchReference(ref: ScheduledStepReference, candidates: readonly StepCandidate[], modality?: string): ReferenceMatch {
  for (const rule of RULES) {
    const found = candidates.filter((c) => rule(ref, c));
    if (found.length === 0) continue;
    const sameModality = found.filter((c) => same(c.modality, modality));
    return { steps: found.length > 1 && sameModality.length > 0 ? sameModality : found };
  }
  return { steps: [], unmatched: ref.accessionNumber ? ReconciliationReason.NoMatchingStep : ReconciliationReason.Unscheduled };
}

/**
 * Every step the references name (each once, in reference order), and why the performed step needs
 * reconciling: a reference with an accession that names nothing, or nothing named at all. An item
 * without any key beside ones that matched is noise, not an unscheduled exam.
 */
export function matchReferences(refs: readonly ScheduledStepReference[], candidates: readonly StepCandidate[], modality?: string): { steps: StepCandidate[]; unmatched?: ReconciliationReason } {
  const steps = new Map<string, StepCandidate>();
  let mismatched = false;
  for (const ref of refs) {
    const m = matchReference(ref, candidates, modality);
    m.steps.forEach((s) => steps.set(s.ref, s));
    if ('unmatched' in m && m.unmatched === ReconciliationReason.NoMatchingStep) mismatched = true;
  }
  if (mismatched) return { steps: [...steps.values()], unmatched: ReconciliationReason.NoMatchingStep };
  return steps.size > 0 ? { steps: [...steps.values()] } : { steps: [], unmatched: ReconciliationReason.Unscheduled };
}
