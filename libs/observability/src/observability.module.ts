import { DynamicModule, Global, Module } from '@nestjs/common';
import { createLogger } from './logger';
import { ReadinessRegistry } from './readiness';
import { LOGGER, READINESS } from './tokens';

/** The process-wide logger and readiness registry. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: { app: string; level: string; logPhi: boolean }): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [
        { provide: LOGGER, useValue: createLogger(options) },
        { provide: READINESS, useValue: new ReadinessRegistry() },
      ],
      exports: [LOGGER, READINESS],
    };
  }
}
