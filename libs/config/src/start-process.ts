import 'reflect-metadata';
import { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Env } from './env';
import { ConfigError, loadEnv } from './load-env';

export interface ProcessSpec {
  /** Builds the root module from the validated environment. */
  module: (env: Readonly<Env>) => DynamicModule;
  /** Serve HTTP on HTTP_PORT (api and the all-in-one process). */
  http: boolean;
  /** Runs once everything listens. */
  afterStart?: (app: INestApplicationContext, env: Readonly<Env>) => Promise<void>;
}

/**
 * Starts a process: validates the environment (one line per bad variable, exit 1), boots the
 * Nest application, and stops cleanly on SIGTERM/SIGINT.
 */
export async function startProcess(spec: ProcessSpec): Promise<INestApplicationContext> {
  let env: Readonly<Env>;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const options = { logger: ['error', 'warn'] as ('error' | 'warn')[], abortOnError: false };
  const app: INestApplicationContext = spec.http
    ? await NestFactory.create(spec.module(env), options)
    : await NestFactory.createApplicationContext(spec.module(env), options);
  app.enableShutdownHooks();
  if (spec.http) await (app as INestApplication).listen(env.HTTP_PORT);
  else await app.init();
  if (spec.afterStart) await spec.afterStart(app, env);
  return app;
}
