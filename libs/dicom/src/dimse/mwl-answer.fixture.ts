import { createDataset, DicomDataset, setSequence, setString } from './dicom-dataset';
import { Tags } from './dicom-dictionary';

/**
 * Test-only: a worklist answer of the size a real MWL SCP sends (~40 attributes, one SPS item),
 * with a synthetic patient. Used by the codec specs, the e2e spec and the timing figures in ADR 0002.
 */
export function mwlAnswerFixture(i: number, charset = 'ISO_IR 192', patientName = `Testperson^Zoë${i}`): DicomDataset {
  const code = (value: string, scheme: string, meaning: string): DicomDataset =>
    createDataset([
      [Tags.CodeValue, { vr: 'SH', value }],
      [Tags.CodingSchemeDesignator, { vr: 'SH', value: scheme }],
      [Tags.CodeMeaning, { vr: 'LO', value: meaning }],
    ]);
  const sps = createDataset();
  setString(sps, Tags.Modality, 'CT');
  setString(sps, Tags.ScheduledStationAETitle, 'CT01');
  setString(sps, Tags.ScheduledProcedureStepStartDate, '20261123');
  setString(sps, Tags.ScheduledProcedureStepStartTime, '093000');
  setString(sps, Tags.ScheduledPerformingPhysicianName, '');
  setString(sps, Tags.ScheduledProcedureStepDescription, 'CT chest native');
  setSequence(sps, Tags.ScheduledProtocolCodeSequence, [code('P1001', '99RADFLOW', 'CT chest protocol')]);
  setString(sps, Tags.ScheduledProcedureStepID, `SPS${1000 + i}`);
  setString(sps, Tags.ScheduledStationName, 'CT-ROOM-1');
  setString(sps, Tags.ScheduledProcedureStepLocation, 'RAD-1');
  setString(sps, Tags.PreMedication, '');
  setString(sps, Tags.RequestedContrastAgent, '');
  setString(sps, Tags.ScheduledProcedureStepStatus, 'SCHEDULED');

  const ds = createDataset();
  setString(ds, Tags.SpecificCharacterSet, charset);
  setString(ds, Tags.AccessionNumber, `ACC${1000 + i}`);
  setString(ds, Tags.InstitutionName, 'Radflow Test Hospital');
  setString(ds, Tags.ReferringPhysicianName, 'Referrer^Rita');
  setSequence(ds, Tags.ReferencedStudySequence, []);
  setSequence(ds, Tags.ReferencedPatientSequence, []);
  setString(ds, Tags.PatientName, patientName);
  setString(ds, Tags.PatientID, `PAT${1000 + i}`);
  setString(ds, Tags.IssuerOfPatientID, 'RADFLOW');
  setString(ds, Tags.PatientBirthDate, '19700101');
  setString(ds, Tags.PatientSex, i % 2 ? 'F' : 'M');
  setString(ds, Tags.PatientWeight, '72.5');
  setString(ds, Tags.PatientSize, '1.75');
  setString(ds, Tags.MedicalAlerts, '');
  setString(ds, Tags.Allergies, '');
  ds.set(Tags.PregnancyStatus, { vr: 'US', value: [4] });
  setString(ds, Tags.StudyInstanceUID, `1.2.826.0.1.3680043.10.999.1.${1000 + i}`);
  setString(ds, Tags.RequestingPhysician, 'Requester^Rolf');
  setString(ds, Tags.RequestingService, 'RADIOLOGY');
  setString(ds, Tags.RequestedProcedureDescription, 'CT THORAX W/O');
  setSequence(ds, Tags.RequestedProcedureCodeSequence, [code('RP-CT-CHEST', '99RADFLOW', 'CT thorax without contrast')]);
  setString(ds, Tags.AdmissionID, `ADM${i}`);
  setString(ds, Tags.CurrentPatientLocation, 'WARD-3');
  setString(ds, Tags.PatientState, '');
  setString(ds, Tags.SpecialNeeds, '');
  setSequence(ds, Tags.ScheduledProcedureStepSequence, [sps]);
  setString(ds, Tags.RequestedProcedureID, `RP${1000 + i}`);
  setString(ds, Tags.RequestedProcedurePriority, 'ROUTINE');
  setString(ds, Tags.PatientTransportArrangements, '');
  setString(ds, Tags.ReasonForTheRequestedProcedure, 'Follow-up');
  setString(ds, Tags.PlacerOrderNumberImagingServiceRequest, `PL${i}`);
  setString(ds, Tags.FillerOrderNumberImagingServiceRequest, `FL${i}`);
  setString(ds, Tags.ConfidentialityConstraintOnPatientDataDescription, '');
  return ds;
}
