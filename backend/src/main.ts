import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureApp, createFastifyAdapter } from './app.setup.js';
import { ConfigError, loadConfig } from './config/config.js';
import { MissingMigrationsError } from './database/applied-migrations.js';
import type { EmbeddedPostgresHandle } from './database/embedded-postgres.js';
import { releaseStartupMemory } from './startup-memory.js';
import { lowerThreadpoolPriority } from './threadpool-priority.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // libuv reads this when its pool first gets work, which nothing has queued yet at this point.
  process.env.UV_THREADPOOL_SIZE = String(config.threadpoolSize);

  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    process.stderr.write(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${config.embeddedPostgresDir}\n`);
    // Loaded only here: the package (a dev dependency, absent from production images) installs
    // exit hooks of its own that would turn a clean SIGTERM exit into 143.
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedPostgresDir });
    databaseUrl = embedded.url;
  }

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, databaseUrl }), createFastifyAdapter(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await configureApp(app, config);
  await app.listen({ port: config.port, host: config.host });
  await releaseStartupMemory();
  await lowerThreadpoolPriority(config.threadpoolNice);
  const logger = app.get(Logger);
  logger.log(`API on http://localhost:${config.port}/api — Swagger UI at http://localhost:${config.port}/api/docs`, 'Bootstrap');

  // Graceful shutdown: stop accepting, let in-flight requests finish, close pools, exit 0 — or
  // exit 1 if that takes longer than the deadline orchestrators give us.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down`, 'Bootstrap');
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS);
    timer.unref();
    try {
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch {
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

void bootstrap().catch((error: unknown) => {
  // A refusal that names its cause and its fix is all an operator needs to read; anything else
  // keeps its stack.
  if (error instanceof ConfigError || error instanceof MissingMigrationsError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
