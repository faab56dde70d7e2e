import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CredentialsModule } from './auth/credentials.module.js';
import { ContentTypeGuard } from './auth/guards/content-type.guard.js';
import { JwtAuthGuard } from './auth/guards/jwt-auth.guard.js';
import { RolesGuard } from './auth/guards/roles.guard.js';
import { CachedReflector } from './common/cached-reflector.js';
import { Clock, SystemClock } from './common/clock.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { requestIdMixin } from './common/request-context.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { AppliedMigrationsCheck } from './database/applied-migrations.js';
import { dataSourceOptions } from './database/data-source.js';
import { PreparedQueries } from './database/prepared-queries.js';
import { HealthModule } from './health/health.module.js';
import { HousekeepingModule } from './housekeeping/housekeeping.module.js';
import { MailModule } from './mail/mail.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { AppThrottlerGuard } from './throttling/throttler.guard.js';
import { ThrottlingModule } from './throttling/throttling.module.js';
import { UsersModule } from './users/users.module.js';
// generate:resource imports (npm run generate:resource adds module imports above this line)

export interface AppModuleOptions {
  config: AppConfig;
  /** Resolved by the caller: DATABASE_URL, an embedded server, or a test database. */
  databaseUrl: string;
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
}

/** Never logged, at any level: credentials and everything that carries them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'password',
  '*.password',
  '*.access_token',
  '*.refresh_token',
  '*.token',
];

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logDestination }: AppModuleOptions): DynamicModule {
    const pinoOptions = {
      level: config.logLevel,
      // pino-pretty is a dev dependency: only ever loaded in development.
      transport: config.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss' } } : undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: requestIdMixin,
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: logDestination ? [pinoOptions, logDestination] : pinoOptions,
          // No pino-http middleware: request logging and the request-scoped logger are Fastify hooks
          // (see configureApp), which cost a fraction of a Nest middleware building a child logger
          // with the serialized request on every request, logged or not.
          forRoutes: [],
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, config.databasePoolSize), migrationsRun: config.runMigrationsOnStart }),
        CredentialsModule,
        ThrottlingModule,
        MailModule,
        AuditModule,
        SessionsModule,
        UsersModule,
        AuthModule,
        TasksModule,
        HealthModule,
        HousekeepingModule,
        // generate:resource modules (npm run generate:resource adds modules above this line)
      ],
      providers: [
        { provide: Clock, useClass: SystemClock },
        CachedReflector,
        PreparedQueries,
        AppliedMigrationsCheck,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Global guards run in this order: throttle first (cheapest, stops floods before any
        // crypto or SQL), then authentication (default-deny, CSRF), roles, content type.
        { provide: APP_GUARD, useClass: AppThrottlerGuard },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_GUARD, useClass: ContentTypeGuard },
      ],
      exports: [Clock, PreparedQueries],
      global: true,
    };
  }
}
