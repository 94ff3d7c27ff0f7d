import { Module } from '@nestjs/common';
import { ENV, Env } from '@radflow/config';
import { LOGGER, Logger } from '@radflow/observability';
import { resolveDatabase } from './database-url';

export const RESOLVED_DATABASE = Symbol('RESOLVED_DATABASE');

/**
 * DATABASE_URL, or the embedded cluster started for it: one instance per process, shared by the
 * DataSource's options (imported into @nestjs/typeorm's module) and by DatabaseModule. A static
 * module, so both imports are the same module.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_DATABASE,
      inject: [ENV, LOGGER],
      useFactory: (env: Env, log: Logger) => resolveDatabase(env, (line) => log.debug({ event: 'db.embedded', line }, 'embedded postgres')),
    },
  ],
  exports: [RESOLVED_DATABASE],
})
export class ResolvedDatabaseModule {}
