/** DICOM Scheduled Procedure Step Status (0040,0020) defined terms. Note CANCELED, one L. */
export const SpsStatus = {
  Scheduled: 'SCHEDULED',
  Arrived: 'ARRIVED',
  Ready: 'READY',
  Started: 'STARTED',
  Departed: 'DEPARTED',
  Canceled: 'CANCELED',
  Discontinued: 'DISCONTINUED',
  Completed: 'COMPLETED',
} as const;
export type SpsStatus = (typeof SpsStatus)[keyof typeof SpsStatus];

/** A step in one of these states is finished: orders may no longer move it back to scheduled. */
export const FINAL_SPS_STATUSES: ReadonlySet<SpsStatus> = new Set([SpsStatus.Canceled, SpsStatus.Discontinued, SpsStatus.Completed]);
