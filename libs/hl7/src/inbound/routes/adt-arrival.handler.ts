import { checkIn, DomainError, DomainErrorCode, TransactionContext } from '@radflow/domain';
import { Hl7ErrorCode } from '../../ack/hl7-error';
import { locate } from '../../mapping/mapping.errors';
import { requirePid, toPatientDemographics } from '../../mapping/patient.mapper';
import { Hl7Message } from '../../parser';
import { Hl7RouteContext, Hl7RouteHandler } from './hl7-route-handler';

/**
 * ADT^A10 "patient arriving" checks the patient in: every step of theirs scheduled that day (the
 * event's date: EVN-6, else EVN-2, else MSH-7) goes from scheduled to arrived. An arrival for a
 * patient we do not know changes nothing and is acknowledged with a warning.
 */
export class AdtArrivalHandler implements Hl7RouteHandler {
  readonly name = 'adt-arrival';
  readonly types = ['ADT^A10'];

  async apply(tx: TransactionContext, msg: Hl7Message, ctx: Hl7RouteContext): Promise<void> {
    const pid = requirePid(msg);
    const patient = toPatientDemographics(msg, pid, ctx.mapping).identifier;
    const evn = msg.segment('EVN');
    const when = evn?.text(6) ?? evn?.text(2) ?? msg.msh.text(7) ?? '';
    const date = /^\d{8}/.test(when) ? when.slice(0, 8) : localDate(ctx.mapping.receivedAt ?? new Date());
    try {
      await checkIn(tx, { by: 'patient', patient, date, origin: locate(msg, pid, 3) }, ctx.source);
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== DomainErrorCode.UnknownPatient) throw e;
      ctx.warnings.add({ code: Hl7ErrorCode.UnknownKeyIdentifier, location: locate(msg, pid, 3), text: 'patient unknown; nobody checked in' });
    }
  }
}

function localDate(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}
