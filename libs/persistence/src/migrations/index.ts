import { CreateCoreSchema1763900000000 } from './1763900000000-CreateCoreSchema';
import { AddWorklistIndexes1763900000001 } from './1763900000001-AddWorklistIndexes';
import { AddOutboxNotify1763900000002 } from './1763900000002-AddOutboxNotify';
import { AddMessageWarnings1763900000003 } from './1763900000003-AddMessageWarnings';
import { AddTransitionSourceIndex1763900000004 } from './1763900000004-AddTransitionSourceIndex';
import { AllowOrdersWithoutAccession1763900000005 } from './1763900000005-AllowOrdersWithoutAccession';
import { AddApplicationAcks1763900000006 } from './1763900000006-AddApplicationAcks';
import { AddStudyLifecycle1763900000007 } from './1763900000007-AddStudyLifecycle';
import { AddPerformedSteps1763900000008 } from './1763900000008-AddPerformedSteps';

/** Every migration, in order. A merged migration is never edited: add a new one. */
export const MIGRATIONS = [
  CreateCoreSchema1763900000000,
  AddWorklistIndexes1763900000001,
  AddOutboxNotify1763900000002,
  AddMessageWarnings1763900000003,
  AddTransitionSourceIndex1763900000004,
  AllowOrdersWithoutAccession1763900000005,
  AddApplicationAcks1763900000006,
  AddStudyLifecycle1763900000007,
  AddPerformedSteps1763900000008,
];
