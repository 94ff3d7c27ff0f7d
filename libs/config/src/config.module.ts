import { DynamicModule, Global, Module } from '@nestjs/common';
import { Env } from './env';

export const ENV = Symbol('ENV');

/** Makes the validated environment injectable as ENV. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: Readonly<Env>): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: ENV, useValue: env }], exports: [ENV] };
  }
}
