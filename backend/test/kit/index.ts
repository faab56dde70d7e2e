import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { DataSource } from 'typeorm';
import type { DestinationStream } from 'pino';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createFastifyAdapter } from '../../src/app.setup.js';
import { Clock } from '../../src/common/clock.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { MailService, type MailMessage } from '../../src/mail/mail.service.js';
import type { Priority } from '../../src/tasks/task.entity.js';
import type { Role } from '../../src/users/user.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { createTestDatabase } from './database.js';
import { FakeClock } from './fake-clock.js';

export { FakeClock } from './fake-clock.js';
export { describeOwnedResource, type OwnedResourceSpec } from './owned-resource.js';
export type { default as TestAgent } from 'supertest/lib/agent.js';

export interface TestAppOptions {
  /** Environment overrides on top of the kit's test defaults (e.g. `{ THROTTLE_LIMIT: '3' }`). */
  env?: Record<string, string | undefined>;
  /** Extra modules to mount next to AppModule (a team's own module under test). */
  imports?: ModuleMetadata['imports'];
  /** Provider overrides on the testing module (mailer, clock, …). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Reuse a database created by another test app (several instances over one database). */
  databaseUrl?: string;
  /** Where the app's log lines go (with `env: { LOG_LEVEL: 'debug' }` to read them); default stdout. */
  logDestination?: DestinationStream;
}

export interface Credentials {
  email: string;
  password: string;
}

export interface SignedInUser extends Credentials {
  id: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
  /** Requests carry `Authorization: Bearer <access token>`. */
  agent: TestAgent;
  /** A cookie jar holding the access_token and refresh_token cookies, like a browser. */
  cookieAgent: TestAgent;
}

/** The kit's defaults: quiet logs, fresh secrets, and limits high enough not to trip unrelated tests. */
export const TEST_ENV: Record<string, string> = {
  ENVIRONMENT: 'test',
  LOG_LEVEL: 'silent',
  THROTTLE_LIMIT: '1000000',
  AUTH_THROTTLE_LIMIT: '1000000',
  LOGIN_MAX_FAILURES: '1000000',
  CORS_ORIGINS: 'http://localhost:3000',
  // Suites move the clock: a pass in the background would delete what a test is looking at. Those
  // that test housekeeping call HousekeepingService.run() themselves.
  HOUSEKEEPING_INTERVAL_MINUTES: '0',
};

let sequence = 0;
export function uniqueEmail(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}.${process.env.JEST_WORKER_ID ?? 0}.${sequence}.${randomBytes(3).toString('hex')}@example.com`;
}

/** Pulls `name=value` of a Set-Cookie header set by a response. */
export function cookieValue(setCookie: string[] | string | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = list.find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

export class TestApp {
  constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly clock: FakeClock,
    readonly databaseUrl: string,
    private readonly dropDatabase: (() => Promise<void>) | undefined,
  ) {}

  get server(): Server {
    return this.app.getHttpServer() as Server;
  }

  get db(): DataSource {
    return this.app.get<DataSource>(getDataSourceToken());
  }

  /** Messages the app "sent" (the development outbox), oldest first. */
  get outbox(): MailMessage[] {
    return this.app.get(MailService).outbox;
  }

  /** A plain supertest client, unauthenticated. */
  http(): TestAgent {
    return request.agent(this.server);
  }

  /**
   * Waits for the newest mail to `to` (mail is sent after the response, e.g. password reset), or the
   * newest with `subject`: an address also gets notices (a changed password, a changed email).
   */
  async waitForMail(to: string, subject?: string, timeoutMs = 5000): Promise<MailMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.outbox].reverse().find((m) => m.to === to.toLowerCase() && (subject === undefined || m.subject === subject));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No mail to ${to}${subject === undefined ? '' : ` about "${subject}"`} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Registers through the API and returns the user with bearer and cookie clients. */
  async signUp(input: Partial<Credentials> & { name?: string } = {}): Promise<SignedInUser> {
    const email = input.email ?? uniqueEmail();
    const password = input.password ?? `pw-${randomUUID()}`;
    const cookieAgent = request.agent(this.server);
    const res = await cookieAgent.post('/api/auth/register').send({ email, password, ...(input.name ? { name: input.name } : {}) });
    if (res.status !== 201) throw new Error(`signUp failed: ${res.status} ${JSON.stringify(res.body)}`);
    const accessToken = cookieValue(res.headers['set-cookie'], 'access_token')!;
    const refreshToken = cookieValue(res.headers['set-cookie'], 'refresh_token')!;
    return { id: res.body.id, role: res.body.role, email, password, accessToken, refreshToken, agent: this.bearer(accessToken), cookieAgent };
  }

  /** Logs in through the API (JSON) — a new session — and returns bearer and cookie clients. */
  async signIn(credentials: Credentials, headers: Record<string, string> = {}): Promise<SignedInUser> {
    const cookieAgent = request.agent(this.server);
    const res = await cookieAgent.post('/api/auth/login').set(headers).send({ email: credentials.email, password: credentials.password });
    if (res.status !== 200) throw new Error(`signIn failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      ...credentials,
      id: res.body.user.id,
      role: res.body.user.role,
      accessToken: res.body.access_token,
      refreshToken: res.body.refresh_token,
      agent: this.bearer(res.body.access_token),
      cookieAgent,
    };
  }

  /** A signed-in administrator (created directly, then logged in through the API). */
  async asAdmin(): Promise<SignedInUser> {
    const credentials = await this.createUser({ role: 'admin' });
    return this.signIn(credentials);
  }

  /** Factory: a user straight through the service (no HTTP), returning its credentials. */
  async createUser(input: { email?: string; password?: string; name?: string; role?: Role } = {}): Promise<Credentials & { id: string }> {
    const email = input.email ?? uniqueEmail(input.role ?? 'user');
    const password = input.password ?? `pw-${randomUUID()}`;
    const user = await this.app.get(UsersService).create({ email, password, name: input.name ?? null, role: input.role ?? 'user' });
    return { id: user.id, email, password };
  }

  /** Factory: a task owned by `owner`, through the API like a client would. */
  async createTask(owner: SignedInUser, fields: { title?: string; description?: string | null; completed?: boolean; priority?: Priority; dueDate?: string | null } = {}) {
    const res = await owner.agent.post('/api/tasks').send({ title: fields.title ?? `Task ${randomUUID().slice(0, 8)}`, ...fields });
    if (res.status !== 201) throw new Error(`createTask failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; title: string; description: string | null; completed: boolean; priority: Priority; dueDate: string | null; createdAt: string; updatedAt: string };
  }

  bearer(accessToken: string): TestAgent {
    return request.agent(this.server).set('Authorization', `Bearer ${accessToken}`);
  }

  /**
   * Resolves once a statement on this app's database is waiting for a lock: the point a race test
   * has set up is reached (a fixed sleep would only guess it, and guess wrong on a busy machine).
   */
  async untilALockIsAwaited(timeoutMs = 10_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const waiting = await this.db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      if (waiting.length > 0) return;
    }
    throw new Error(`no statement waited for a lock within ${timeoutMs} ms`);
  }

  /** Empties every table and resets the clock and mail outbox: isolation between tests of one file. */
  async reset(): Promise<void> {
    await this.db.query('TRUNCATE users, auth_events RESTART IDENTITY CASCADE');
    this.clock.reset();
    this.outbox.length = 0;
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.dropDatabase?.();
  }
}

/**
 * Boots the real AppModule in-process on its own, freshly migrated database (real PostgreSQL, real
 * Fastify, real guards) with a controllable clock. Close it in `afterAll`.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: undefined } : await createTestDatabase();
  const config = loadConfig({
    ...TEST_ENV,
    JWT_SECRET_KEY: randomBytes(48).toString('base64url'),
    REDIS_KEY_PREFIX: `nas-test:${randomBytes(6).toString('hex')}:`,
    ...options.env,
  });
  const clock = new FakeClock();
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot({ config, databaseUrl: database.url, logDestination: options.logDestination }), ...(options.imports ?? [])] })
    .overrideProvider(Clock)
    .useValue(clock);
  if (options.override) builder = options.override(builder);
  try {
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), { logger: false });
    await configureApp(app, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new TestApp(app, config, clock, database.url, database.drop);
  } catch (error) {
    await database.drop?.();
    throw error;
  }
}
