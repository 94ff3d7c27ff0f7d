import { Module } from '@nestjs/common';
import { HealthModule } from '@radflow/observability';

/** HTTP: health now; REST, socket.io reading worklists and the page come with later capabilities. */
@Module({ imports: [HealthModule] })
export class ApiModule {}
