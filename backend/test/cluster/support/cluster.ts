/**
 * Test kit of the production-stack suites: real backend processes started the way the backend
 * container starts them (`node dist/main.js` with ENVIRONMENT=production), real PostgreSQL databases,
 * and a private Redis server per suite, all on this machine's loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const BACKEND_DIR = join(REPO_ROOT, 'backend');
export const FRONTEND_DIR = join(REPO_ROOT, 'frontend');
export const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');

/**
 * Admin connection to a PostgreSQL where each suite creates (and drops) its own `cluster_*` database:
 * the one the backend test kit chose for this run (TEST_DATABASE_URL / DATABASE_URL / its embedded
 * server, exported as TEST_ADMIN_DATABASE_URL), else the machine's server on 127.0.0.1:5432.
 */
export const PG_ADMIN_URL = process.env.CLUSTER_PG_ADMIN_URL ?? process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The Node the images run (24 LTS): the repository's pinned `node` package when installed, so a
 * suite started from an older system Node still runs the backend on the production runtime.
 */
export const NODE_BINARY = existsSync(join(REPO_ROOT, 'node_modules/node/bin/node')) ? join(REPO_ROOT, 'node_modules/node/bin/node') : process.execPath;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((r) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });
}

/** The parsed docker-compose.yml, as the suites read the very commands the containers run. */
export function composeFile(): any {
  return parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });
}

/** `migrate.command` of docker-compose.yml: the one-shot job the compose stack runs before any replica. */
export function migrateCommand(): string[] {
  const command = composeFile().services.migrate.command;
  if (!Array.isArray(command) || command.length === 0) throw new Error('compose migrate.command must be an exec-form list');
  return command as string[];
}

export function randomSecret(): string {
  return randomBytes(48).toString('base64url');
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function adminQuery<T extends pg.QueryResultRow = any>(adminUrl: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createDatabase(label: string, adminUrl = PG_ADMIN_URL): Promise<TestDatabase> {
  const name = `cluster_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Runs SQL against a test database (assertions on rows; never used to set up state the API should create). */
export async function dbQuery<T extends pg.QueryResultRow = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await adminQuery<T>(url, sql, params)).rows;
}

/**
 * The environment of a backend container, minus Docker: production mode, secrets injected, the
 * proxy trusted (here the proxy is this test process on 127.0.0.1, standing in for Caddy), and the
 * process environment NOT inherited, so nothing from the developer's shell leaks in.
 */
export function backendEnv(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: 'production',
    ENVIRONMENT: 'production',
    HOST: '127.0.0.1',
    RUN_MIGRATIONS: 'false',
    TRUST_PROXY: '127.0.0.1',
    CORS_ORIGINS: 'http://localhost:3000',
    APP_URL: 'http://localhost:3000',
    // Production refuses to start without SMTP; no suite here sends mail, and nothing listens there.
    SMTP_URL: 'smtp://127.0.0.1:9',
    LOG_LEVEL: 'info',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Every process a suite starts is listed in TEST_CHILDREN_DIR (a file per pid, holding its start
 * time) until it exits, so that the run's global teardown kills any that outlived its suite: one that
 * failed past its own afterAll, or whose worker died. (A process 'exit' hook cannot do it: in a Jest
 * worker it lands on the sandbox's copy of `process` and never fires.) The start time keeps a pid
 * the system has reused since from being killed in its place.
 */
export function track<C extends ChildProcess>(child: C): C {
  const dir = process.env.TEST_CHILDREN_DIR;
  const listing = dir && child.pid !== undefined ? join(dir, String(child.pid)) : undefined;
  const started = child.pid === undefined ? undefined : processStartTime(child.pid);
  if (listing && started !== undefined) writeFileSync(listing, started);
  child.once('exit', () => listing && rmSync(listing, { force: true }));
  return child;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** One `node dist/main.js` process, started like the container's CMD. */
export class BackendProcess {
  readonly output: string[] = [];
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    // Lines may straddle chunks: keep each stream's unfinished tail until its newline arrives.
    const collector = () => {
      let partial = '';
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.output.push(line);
        // A long load run logs every request: keep the newest lines only.
        if (this.output.length > 20_000) this.output.splice(0, this.output.length - 10_000);
      };
    };
    child.stdout?.on('data', collector());
    child.stderr?.on('data', collector());
    this.exited = new Promise((r) =>
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        r(this.exitInfo);
      }),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** `command` defaults to the Node 24 binary; anything else (a launcher that execs node) finds node on PATH. */
  static async start(name: string, env: Record<string, string>, options: { cwd?: string; argv?: string[]; command?: string } = {}): Promise<BackendProcess> {
    const port = Number(env.PORT ?? (await freePort()));
    const child = track(
      spawn(options.command ?? NODE_BINARY, options.argv ?? ['dist/main.js'], {
        cwd: options.cwd ?? BACKEND_DIR,
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const backend = new BackendProcess(name, port, child);
    try {
      await backend.waitHealthy();
    } catch (error) {
      await backend.stop('SIGKILL');
      throw error;
    }
    return backend;
  }

  /** Waits until /api/health answers 200 (the container healthcheck's condition). */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited ${JSON.stringify(this.exitInfo)} before it was healthy:\n${this.tail()}`);
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    throw new Error(`${this.name} not healthy after ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The structured (pino JSON) log records among the output lines. */
  records(): Record<string, any>[] {
    const records: Record<string, any>[] = [];
    for (const line of this.output) {
      if (!line.startsWith('{')) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        // not a log record
      }
    }
    return records;
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Sends `signal` and resolves with the exit and how long it took; SIGKILLs after `killAfterMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 15_000): Promise<ExitInfo & { ms: number }> {
    const started = Date.now();
    if (this.running) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), killAfterMs);
    const info = await this.exited;
    clearTimeout(timer);
    return { ...info, ms: Date.now() - started };
  }
}

/** A private redis-server on a free loopback port, so a suite can kill it without touching anyone else's. */
export class RedisServer {
  private constructor(
    readonly port: number,
    private child: ChildProcess,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(port?: number): Promise<RedisServer> {
    const p = port ?? (await freePort());
    const child = RedisServer.spawn(p);
    const server = new RedisServer(p, child);
    await server.waitUp();
    return server;
  }

  private static spawn(port: number): ChildProcess {
    return track(
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
        stdio: 'ignore',
      }),
    );
  }

  private async waitUp(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await portAccepts(this.port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server on ${this.port} did not start`);
  }

  /** Kills the server the hard way (an outage, not a maintenance stop). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    // A stopped process only dies once continued.
    this.child.kill('SIGCONT');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, like a hung host. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Starts it again on the same port (an empty Redis, as after a real crash without persistence). */
  async restart(): Promise<void> {
    await this.kill();
    this.child = RedisServer.spawn(this.port);
    await this.waitUp();
  }
}

// ---------------------------------------------------------------- HTTP

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  ms: number;
}

export interface ApiOptions {
  body?: unknown;
  token?: string;
  /** Client address as the proxy would report it (X-Forwarded-For); the backend trusts 127.0.0.1. */
  clientIp?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function api(base: string, method: string, path: string, options: ApiOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.clientIp) headers['x-forwarded-for'] = options.clientIp;
  const started = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let body: any = undefined;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text, ms };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: { id: string; email: string };
}

let userCounter = 0;
export function uniqueEmail(label: string): string {
  userCounter += 1;
  return `${label}-${process.pid}-${userCounter}-${randomBytes(3).toString('hex')}@cluster.test`;
}

export const PASSWORD = 'correct horse battery staple';

export async function register(base: string, email: string, password = PASSWORD, clientIp?: string): Promise<void> {
  const res = await api(base, 'POST', '/api/auth/register', { body: { email, password, name: 'Cluster Test' }, clientIp });
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${res.text}`);
}

export async function login(base: string, email: string, password = PASSWORD, clientIp?: string): Promise<Tokens> {
  const res = await api(base, 'POST', '/api/auth/login', { body: { email, password }, clientIp });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
  return res.body as Tokens;
}

/** Internals that must never reach a client: stack frames, driver errors, connection strings, SQL. */
export function problemLeaks(res: ApiResponse): string[] {
  const lower = res.text.toLowerCase();
  const needles = ['"stack"', 'econnrefused', 'econnreset', 'typeorm', 'queryfailederror', 'postgres://', 'postgresql://', 'redis://', 'node_modules', 'password_hash', 'token_hash', '    at ', 'select ', 'insert into', 'update "'];
  return needles.filter((needle) => lower.includes(needle));
}

export function builtDist(): boolean {
  return existsSync(join(BACKEND_DIR, 'dist', 'main.js'));
}

// ---------------------------------------------------------------- a two-instance deployment

export interface Deployment {
  db: TestDatabase;
  redis: RedisServer;
  instances: BackendProcess[];
  env: Record<string, string>;
  /** Stops every instance, the Redis server, and drops the database. */
  close(): Promise<void>;
}

/**
 * What `docker compose up --scale backend=N` runs, minus Docker: one fresh database migrated by the
 * compose `migrate` command, one Redis, and N `node dist/main.js` processes sharing both and one
 * JWT_SECRET_KEY, each on its own port.
 */
export async function deploy(label: string, count: number, overrides: Record<string, string> = {}): Promise<Deployment> {
  const db = await createDatabase(label);
  let redis: RedisServer | undefined;
  const instances: BackendProcess[] = [];
  const close = async () => {
    await Promise.all(instances.map((i) => i.stop('SIGTERM')));
    await redis?.kill();
    await db.drop();
  };
  try {
    redis = await RedisServer.start();
    const env = backendEnv({ DATABASE_URL: db.url, REDIS_URL: redis.url, JWT_SECRET_KEY: randomSecret(), ...overrides });
    await runMigrations(env);
    const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => BackendProcess.start(`${label}-${String.fromCharCode(65 + i)}`, { ...env })));
    for (const r of results) if (r.status === 'fulfilled') instances.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { db, redis, instances, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs the compose `migrate` job's command against env.DATABASE_URL; rejects with its output on failure. */
export async function runMigrations(env: Record<string, string>): Promise<string> {
  const [cmd, ...args] = migrateCommand();
  const child = spawn(cmd === 'node' ? NODE_BINARY : cmd, args, { cwd: BACKEND_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`migrations failed (${code}): ${output}`);
  return output;
}
