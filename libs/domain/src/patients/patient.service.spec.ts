import { DomainErrorCode } from '../common';
import { OutboxEvent, WorkflowStore } from '../workflow';
import { Patient, PatientDemographics, PatientIdentifier } from './patient';
import { PatientService } from './patient.service';

/** Patients by id and issuer, with the calls the service makes; enough to see what it decides. */
class MemoryPatients implements Partial<WorkflowStore> {
  patients = new Map<string, Patient>();
  merges: [string, string][] = [];
  outbox: OutboxEvent[] = [];
  private n = 0;

  private key = (id: PatientIdentifier) => `${id.id}\u0000${id.issuer}`;
  findPatient = async (id: PatientIdentifier) => this.patients.get(this.key(id)) ?? null;
  resolvePatient = this.findPatient;
  upsertPatient = async (d: PatientDemographics) => {
    const known = this.patients.get(this.key(d.identifier));
    if (known) return known.ref;
    const ref = `patient-${++this.n}`;
    this.patients.set(this.key(d.identifier), { ref, identifier: d.identifier, name: null, birthDate: null, sex: null, mergedInto: null });
    return ref;
  };
  mergePatient = async (prior: string, surviving: string) => (this.merges.push([prior, surviving]), { orders: 0, steps: 0 });
  changePatientIdentifier = async () => undefined;
  updateVisitOnOpenOrders = async () => undefined;
  addOutbox = async (e: OutboxEvent) => void this.outbox.push(e);
}

const source = { kind: 'hl7' as const, ref: 'msg-1' };
const surviving = { identifier: { id: 'NEW', issuer: 'HOSP' } };
const prior = { id: 'OLD', issuer: 'HOSP' };
const at = { segment: 'MRG', sequence: 2, field: 1 };

describe('PatientService, a prior patient nobody knows', () => {
  it('refuses a merge by default, at the place the command names', async () => {
    const store = new MemoryPatients();
    await expect(new PatientService().merge(store as unknown as WorkflowStore, { surviving, prior, origin: at }, source)).rejects.toMatchObject({ code: DomainErrorCode.UnknownPatient, subject: { entity: 'prior-patient', attribute: 'identifier', origin: at } });
    expect(store.patients.size).toBe(0);
  });

  it('keep-surviving: writes the surviving patient, moves nothing, and says the prior was unknown', async () => {
    const store = new MemoryPatients();
    const outcome = await new PatientService().merge(store as unknown as WorkflowStore, { surviving, prior }, source, 'keep-surviving');
    expect(outcome).toBe('prior-unknown');
    expect([...store.patients.values()].map((p) => p.identifier.id)).toEqual(['NEW']);
    expect(store.merges).toEqual([]);
  });

  it('keep-surviving: a known prior is merged as before', async () => {
    const store = new MemoryPatients();
    await store.upsertPatient({ identifier: prior });
    expect(await new PatientService().merge(store as unknown as WorkflowStore, { surviving, prior }, source, 'keep-surviving')).toBe('applied');
    expect(store.merges).toHaveLength(1);
  });

  it('refuses a merge across assigning authorities whatever the policy', async () => {
    const store = new MemoryPatients();
    await expect(new PatientService().merge(store as unknown as WorkflowStore, { surviving, prior: { id: 'OLD', issuer: 'OTHER' } }, source, 'keep-surviving')).rejects.toMatchObject({ code: DomainErrorCode.InvalidValue });
    expect(store.patients.size).toBe(0);
  });

  it('identifier change: refused by default; keep-surviving creates the patient under the new identifier', async () => {
    const cmd = { newIdentifier: surviving.identifier, prior, demographics: surviving };
    const refused = new MemoryPatients();
    await expect(new PatientService().changeIdentifier(refused as unknown as WorkflowStore, cmd, source)).rejects.toMatchObject({ code: DomainErrorCode.UnknownPatient });
    const kept = new MemoryPatients();
    expect(await new PatientService().changeIdentifier(kept as unknown as WorkflowStore, cmd, source, 'keep-surviving')).toBe('prior-unknown');
    expect([...kept.patients.values()].map((p) => p.identifier.id)).toEqual(['NEW']);
    expect(await new PatientService().changeIdentifier(kept as unknown as WorkflowStore, cmd, source, 'keep-surviving')).toBe('already-applied');
  });
});
