import { ErrorSubject } from '@radflow/domain';
import { Hl7ErrorLocation } from './hl7-error';

/**
 * Where an attribute the domain names lives in the segment the command part was read from: the
 * domain says "the order's placer number", the ACK says ORC-2. Attributes absent here point at
 * the segment alone.
 */
const FIELD_OF: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  ORC: { event: 1, placerOrderNumber: 2, fillerOrderNumber: 3 },
  OBR: { placerOrderNumber: 2, fillerOrderNumber: 3, reportStatus: 25 },
  IPC: { accessionNumber: 1, requestedProcedureId: 2, studyInstanceUid: 3, spsId: 4, modality: 5 },
  MRG: { identifier: 1 },
  PID: { identifier: 3 },
  MSH: { controlId: 10 },
};

/** Where an attribute lives when the command part has no origin of its own, or its segment does not hold it. */
const HOME_OF: Readonly<Record<string, Hl7ErrorLocation>> = {
  'prior-patient.identifier': { segment: 'MRG', sequence: 1, field: 1 },
  'patient.identifier': { segment: 'PID', sequence: 1, field: 3 },
  'requested-procedure.studyInstanceUid': { segment: 'ZDS', sequence: 1, field: 1 },
  'message.controlId': { segment: 'MSH', sequence: 1, field: 10 },
};

/** The ERR location of a domain error's subject; undefined when the domain named nothing we can point at. */
export function locateSubject(subject: ErrorSubject | undefined): Hl7ErrorLocation | undefined {
  if (!subject) return undefined;
  const origin = subject.origin as Hl7ErrorLocation | undefined;
  const home = subject.entity && subject.attribute ? HOME_OF[`${subject.entity}.${subject.attribute}`] : undefined;
  if (!origin?.segment) return home ? { ...home } : undefined;
  if (origin.field !== undefined) return { ...origin };
  const field = subject.attribute ? FIELD_OF[origin.segment]?.[subject.attribute] : undefined;
  if (field !== undefined) return { ...origin, field };
  if (home && home.segment !== origin.segment) return { ...home };
  return { ...origin };
}
