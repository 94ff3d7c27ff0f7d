import 'reflect-metadata';
import { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Env } from './env';
import { ConfigError, loadEnv } from './load-env';
import { installProcessErrorHandlers } from './process-errors';
import { awaitDependencies, describeFailure, StartupDependency, StartupDependencyError } from './startup-dependencies';

export interface ProcessSpec {
  /** Builds the root module from the validated environment. */
  module: (env: Readonly<Env>) => DynamicModule;
  /** Serve HTTP on HTTP_PORT (api and the all-in-one process). */
  http: boolean;
  /** What must answer before the application boots; null entries (a variable not set) are skipped. */
  dependencies?: (env: Readonly<Env>) => Array<StartupDependency | null>;
  /**
   * Checks configuration that lives beside the environment (files it names) before anything else
   * starts; throws ConfigError, whose message is the one line the operator sees.
   */
  checkConfig?: (env: Readonly<Env>) => void;
  /** Runs once everything listens. */
  afterStart?: (app: INestApplicationContext, env: Readonly<Env>) => Promise<void>;
}

/**
 * Starts a process: validates the environment and the files it names (one line per bad variable
 * or file, exit 1), waits for its dependencies (one line per problem, exit 1 at
 * STARTUP_RETRY_DEADLINE_MS), boots the Nest application, and stops cleanly on SIGTERM/SIGINT. Whatever goes wrong ends in one line on
 * stderr and exit code 1, never in an unhandled rejection.
 */
export async function startProcess(spec: ProcessSpec): Promise<INestApplicationContext | undefined> {
  let env: Readonly<Env>;
  try {
    env = loadEnv();
    spec.checkConfig?.(env);
  } catch (e) {
    if (e instanceof ConfigError) return fail(e.message);
    throw e;
  }
  installProcessErrorHandlers(writeLine);
  try {
    const dependencies = (spec.dependencies?.(env) ?? []).filter((d): d is StartupDependency => d !== null);
    await awaitDependencies(dependencies, { deadlineMs: env.STARTUP_RETRY_DEADLINE_MS, write: writeLine });
  } catch (e) {
    return fail(e instanceof StartupDependencyError ? null : `start-up failed: ${describeFailure(e)}`);
  }
  try {
    const options = { logger: ['error', 'warn'] as ('error' | 'warn')[], abortOnError: false };
    const app: INestApplicationContext = spec.http
      ? await NestFactory.create(spec.module(env), options)
      : await NestFactory.createApplicationContext(spec.module(env), options);
    app.enableShutdownHooks();
    if (spec.http) await (app as INestApplication).listen(env.HTTP_PORT);
    else await app.init();
    if (spec.afterStart) await spec.afterStart(app, env);
    return app;
  } catch (e) {
    // Nest has logged the error with its stack already; this line says what it meant for the process.
    return fail(`start-up failed (${describeFailure(e)}); exiting`);
  }
}

function writeLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

function fail(line: string | null): undefined {
  if (line !== null) writeLine(line);
  process.exit(1);
}
