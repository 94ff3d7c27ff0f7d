/**
 * How urgent a requested procedure is: the levels of the DICOM Requested Procedure Priority defined
 * terms, which every edge maps its own codes to.
 */
export type DicomPriority = 'STAT' | 'HIGH' | 'ROUTINE' | 'MEDIUM' | 'LOW';
