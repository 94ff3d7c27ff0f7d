import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ReadinessRegistry } from './readiness';
import { READINESS } from './tokens';

/** Readiness for deployments and checks: 200 only when every part of this process is up. */
@Controller()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: ReadinessRegistry) {}

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const report = await this.readiness.report();
    res.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: report.ready ? 'ok' : 'unavailable', checks: report.checks });
  }
}
