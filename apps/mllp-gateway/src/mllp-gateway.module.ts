import { Module } from '@nestjs/common';
import { MllpListener } from './mllp-listener';

@Module({ providers: [MllpListener], exports: [MllpListener] })
export class MllpGatewayModule {}
