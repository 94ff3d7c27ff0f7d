import { Module } from '@nestjs/common';
import { DicomListener } from './dicom-listener';

@Module({ providers: [DicomListener] })
export class DimseGatewayModule {}
