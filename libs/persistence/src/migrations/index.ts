import { CreateCoreSchema1763900000000 } from './1763900000000-CreateCoreSchema';

/** Every migration, in order. A merged migration is never edited: add a new one. */
export const MIGRATIONS = [CreateCoreSchema1763900000000];
