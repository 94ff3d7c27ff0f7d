/** PS3.6 Annex A UIDs Radflow negotiates. */
export const SopClass = {
  Verification: '1.2.840.10008.1.1',
  ModalityWorklistInformationModelFind: '1.2.840.10008.5.1.4.31',
  ModalityPerformedProcedureStep: '1.2.840.10008.3.1.2.3.3',
} as const;

export const TransferSyntax = {
  ImplicitVrLittleEndian: '1.2.840.10008.1.2',
  ExplicitVrLittleEndian: '1.2.840.10008.1.2.1',
} as const;

/** PS3.7 A.2.1: the only application context name DICOM defines. */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** Radflow's Implementation Class UID (a UUID-derived 2.25 root) and version name (≤16 chars). */
export const RADFLOW_IMPLEMENTATION_CLASS_UID = '2.25.203209416366568397701172332577608670375';
export const RADFLOW_IMPLEMENTATION_VERSION_NAME = 'RADFLOW_0_1';
