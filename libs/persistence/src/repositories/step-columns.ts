import { ProcedureStepInput } from '@radflow/domain';
import { json } from './sql';

/** Columns of a step row from its input; undefined keeps the stored value. */
export function stepColumns(s: ProcedureStepInput): Record<string, unknown> {
  return {
    modality: s.modality,
    station_ae_titles: s.stationAeTitles,
    station_name: s.stationName,
    location: s.location,
    start_date: s.startDate,
    start_time: s.startTime,
    start_at: s.startDate ? startInstant(s.startDate, s.startTime, s.timezoneOffset) : undefined,
    timezone_offset: s.timezoneOffset,
    end_date: s.endDate,
    end_time: s.endTime,
    description: s.description,
    protocol_codes: s.protocolCodes ? json(s.protocolCodes) : undefined,
    performing_physician: s.performingPhysician,
    contrast_agent: s.contrastAgent,
    pre_medication: s.preMedication,
    comments: s.comments,
  };
}

/**
 * The scheduled start as an instant, for ordering and time windows. Without an offset the
 * DICOM date/time is the site's local time, which is this process's time zone.
 */
export function startInstant(date: string, time?: string, offset?: string): Date {
  const t = (time ?? '').padEnd(6, '0');
  const [y, mo, d] = [date.slice(0, 4), date.slice(4, 6), date.slice(6, 8)].map(Number);
  const [h, mi, s] = [t.slice(0, 2), t.slice(2, 4), t.slice(4, 6)].map(Number);
  if (!offset) return new Date(y, mo - 1, d, h, mi, s);
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60_000);
}
