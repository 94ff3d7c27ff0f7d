import { StudyState } from '../lifecycle';
import { SpsStatus } from '../procedure-steps';
import type { StepRecord, StepTransitionRecord, StudyTransitionRecord, TransactionContext, WorkflowStore } from '../workflow';
import type { PerformedStepRecord } from './performed-step';
import type { LinkedPerformedStep, NewPerformedStep, PerformedStepChanges, PerformedStepStore, StepCandidate } from './performed-step.store';

/** Test fixture: in-memory stores for the performed step use cases, only what they and the lifecycle touch. */
export class FakeStores {
  readonly steps = new Map<string, StepCandidate>();
  readonly studies = new Map<string, StudyState>();
  readonly performed = new Map<string, NewPerformedStep & PerformedStepChanges & { ref: string }>();
  readonly links: { performedRef: string; stepRef: string }[] = [];
  readonly history: string[] = [];
  private serial = 0;

  addStep(ref: string, o: Partial<StepCandidate> = {}): StepCandidate {
    const step: StepCandidate = { ref, procedureRef: `rp-${ref}`, spsId: `S-${ref}`, status: SpsStatus.Scheduled, held: false, accessionNumber: `A-${ref}`, requestedProcedureId: 'RP1', studyInstanceUid: `1.2.${ref}`, modality: 'CT', proceduresInOrder: 1, ...o };
    this.steps.set(ref, step);
    if (!this.studies.has(step.procedureRef)) this.studies.set(step.procedureRef, StudyState.Scheduled);
    return step;
  }

  tx(): Pick<TransactionContext, 'workflow' | 'performedSteps'> {
    const copy = (s: StepRecord): StepRecord => ({ ref: s.ref, procedureRef: s.procedureRef, spsId: s.spsId, status: s.status, held: s.held });
    const workflow: Partial<WorkflowStore> = {
      transitionStep: async (t: StepTransitionRecord) => {
        const s = this.steps.get(t.stepRef)!;
        if (s.status !== t.from) throw Object.assign(new Error('moved'), { code: '40001' });
        s.status = t.to;
        this.history.push(`step ${t.stepRef} ${t.from}->${t.to} ${t.event} ${t.source.kind}`);
      },
      findStudy: async (procedureRef: string) => {
        const steps = [...this.steps.values()].filter((s) => s.procedureRef === procedureRef).map(copy);
        return { ref: procedureRef, orderRef: 'o', state: this.studies.get(procedureRef)!, steps };
      },
      transitionStudy: async (t: StudyTransitionRecord) => {
        this.studies.set(t.procedureRef, t.to);
        this.history.push(`study ${t.procedureRef} ${t.from}->${t.to} ${t.event}`);
      },
      recordFlag: async (f) => void this.history.push(`flag ${f.stepRef} ${f.note}`),
    };
    const performedSteps: PerformedStepStore = {
      find: async (uid) => {
        const p = [...this.performed.values()].find((x) => x.instanceUid === uid);
        return p ? ({ ...p, series: p.series ?? [] } as PerformedStepRecord) : null;
      },
      create: async (p) => {
        if ([...this.performed.values()].some((x) => x.instanceUid === p.instanceUid)) return null;
        const ref = `pps-${++this.serial}`;
        this.performed.set(ref, { ...p, ref });
        return ref;
      },
      update: async (ref, c) => {
        const p = this.performed.get(ref)!;
        Object.assign(p, Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));
      },
      link: async (performedRef, stepRefs) => void stepRefs.forEach((stepRef) => this.links.push({ performedRef, stepRef })),
      findStepCandidates: async (k) => [...this.steps.values()].filter((s) => k.accessionNumbers.includes(s.accessionNumber) || k.studyInstanceUids.includes(s.studyInstanceUid)).map((s) => ({ ...s })),
      findLinkedSteps: async (ref) => this.links.filter((l) => l.performedRef === ref).map((l) => copy(this.steps.get(l.stepRef)!)),
      findPerformedOfSteps: async (stepRefs) =>
        this.links.filter((l) => stepRefs.includes(l.stepRef)).map((l): LinkedPerformedStep => {
          const p = this.performed.get(l.performedRef)!;
          return { stepRef: l.stepRef, performedRef: l.performedRef, status: p.status, seriesCount: (p.series ?? []).length };
        }),
    };
    return { workflow: workflow as WorkflowStore, performedSteps };
  }
}
