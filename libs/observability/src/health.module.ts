import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** GET /health for any process that serves HTTP. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
