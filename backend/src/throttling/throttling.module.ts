import { Global, Inject, Module, Optional, type ExecutionContext, type OnApplicationShutdown } from '@nestjs/common';
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

const authHandlers = new WeakMap<object, boolean>();

/**
 * Registered route patterns under /api/auth get the stricter limit, whatever the request's spelling.
 * Decided once per handler (its paths share its controller's prefix): Fastify builds a fresh
 * `routeOptions` object on every access.
 */
function isAuthRoute(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let auth = authHandlers.get(handler);
  if (auth === undefined) {
    auth = context.switchToHttp().getRequest<FastifyRequest>().routeOptions?.url?.toLowerCase().startsWith('/api/auth/') ?? false;
    authHandlers.set(handler, auth);
  }
  return auth;
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
            skipIf: (context) => !isAuthRoute(context),
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

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    // QUIT lets Redis finish what this instance sent; a connection that is not up is just dropped.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis?.disconnect());
    else this.redis.disconnect();
  }
}
