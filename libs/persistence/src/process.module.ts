import { DynamicModule, Module } from '@nestjs/common';
import type { ModuleMetadata } from '@nestjs/common';
import { ConfigModule, Env } from '@radflow/config';
import { ObservabilityModule } from '@radflow/observability';
import { DatabaseModule } from './database.module';

/**
 * The root module of a process: validated config, logger and readiness, the database (migrated),
 * then the process's own modules.
 */
@Module({})
export class ProcessModule {
  static forRoot(app: string, env: Readonly<Env>, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: ProcessModule,
      imports: [
        ConfigModule.forRoot(env),
        ObservabilityModule.forRoot({ app, level: env.LOG_LEVEL, logPhi: env.LOG_PHI }),
        DatabaseModule.forRoot(),
        ...imports,
      ],
    };
  }
}
