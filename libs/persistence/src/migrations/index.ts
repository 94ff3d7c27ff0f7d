import { CreateCoreSchema1763900000000 } from './1763900000000-CreateCoreSchema';
import { AddWorklistIndexes1763900000001 } from './1763900000001-AddWorklistIndexes';
import { AddOutboxNotify1763900000002 } from './1763900000002-AddOutboxNotify';
import { AddMessageWarnings1763900000003 } from './1763900000003-AddMessageWarnings';
import { AllowOrdersWithoutAccession1763900000005 } from './1763900000005-AllowOrdersWithoutAccession';

/** Every migration, in order. A merged migration is never edited: add a new one. */
export const MIGRATIONS = [CreateCoreSchema1763900000000, AddWorklistIndexes1763900000001, AddOutboxNotify1763900000002, AddMessageWarnings1763900000003, AllowOrdersWithoutAccession1763900000005];
