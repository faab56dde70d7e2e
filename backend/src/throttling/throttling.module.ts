import { Global, Inject, Module, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LoginAttemptsService } from './login-attempts.service.js';
import { createRedis, REDIS, REDIS_CIRCUIT, RedisCircuit } from './redis.provider.js';
import { MemoryThrottlerStorage } from './memory-storage.js';
import { ResilientThrottlerStorage } from './resilient-storage.js';

/** Registered route patterns under /api/auth get the stricter limit, whatever the request's spelling. */
function isAuthRoute(request: FastifyRequest): boolean {
  return request.routeOptions?.url?.toLowerCase().startsWith('/api/auth/') ?? false;
}

@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS_CIRCUIT, { token: REDIS, optional: true }],
      useFactory: (config: AppConfig, circuit: RedisCircuit, redis?: Redis) => ({
        throttlers: [
          { name: 'default', limit: config.throttle.limit, ttl: config.throttle.ttlSeconds * 1000 },
          {
            name: 'auth',
            limit: config.throttle.authLimit,
            ttl: config.throttle.ttlSeconds * 1000,
            skipIf: (context) => !isAuthRoute(context.switchToHttp().getRequest<FastifyRequest>()),
          },
        ],
        storage: new ResilientThrottlerStorage(redis ? new ThrottlerStorageRedisService(redis) : undefined, new MemoryThrottlerStorage(), circuit),
      }),
    }),
  ],
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG, PinoLogger],
      useFactory: (config: AppConfig, logger: PinoLogger) => createRedis(config, (message) => logger.error(message)),
    },
    { provide: REDIS_CIRCUIT, inject: [PinoLogger], useFactory: (logger: PinoLogger) => new RedisCircuit((message) => logger.error(message)) },
    LoginAttemptsService,
  ],
  exports: [REDIS, REDIS_CIRCUIT, LoginAttemptsService],
})
export class ThrottlingModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS) private readonly redis?: Redis) {}

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
