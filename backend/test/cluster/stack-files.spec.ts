/**
 * What can be checked of the container stack without a Docker engine: the compose model (services,
 * start order, healthchecks, environment, secrets, scaling, proxy trust) and the Dockerfiles
 * (a lint of the rules that matter, and that they build and start what the repository builds).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_DIR, COMPOSE_FILE, REPO_ROOT } from './support/cluster.js';
import { interpolate, loadCompose, loadComposeRaw, MissingVariable, parseDotenv, references, serviceEnvironment } from './support/compose.js';
import { execForm, lintDockerfile, parseDockerfile, runtimeStage, splitImage, stageByName, stageCmd, stageEnv, stageWorkdir } from './support/dockerfile.js';

const DOCKER_DIR = join(REPO_ROOT, 'docker');
const ENV_EXAMPLE = join(DOCKER_DIR, 'compose.env.example');

/** A filled-in .env as an operator would write it (values are test fixtures, not real secrets). */
function filledEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = parseDotenv(readFileSync(ENV_EXAMPLE, 'utf8'));
  return {
    ...env,
    POSTGRES_PASSWORD: 'fixture-pg-0123456789abcdef',
    REDIS_PASSWORD: 'fixture-redis-0123456789abcdef',
    JWT_SECRET_KEY: 'fixture-jwt-0123456789abcdefghijklmnopqrstuvwxyz',
    BETTER_AUTH_SECRET: 'fixture-ba-0123456789abcdefghijklmnopqrstuvwxyz',
    SMTP_URL: 'smtp://fixture:fixture-smtp-password@mail.example:587',
    ...extra,
  };
}

// SMTP_URL too: it carries the mail server's credentials, and the backend needs it in production.
const SECRET_VARS = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'JWT_SECRET_KEY', 'BETTER_AUTH_SECRET', 'SMTP_URL'];
const SECRET_KEY = /(SECRET|PASSWORD|TOKEN|_KEY$|AUTH$)/;

/** Full-line comments removed (both YAML and Caddyfile use #). */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** Every variable the backend reads, taken from its one config loader. */
function backendConfigVariables(): Set<string> {
  const source = readFileSync(join(BACKEND_DIR, 'src/config/config.ts'), 'utf8');
  return new Set([...source.matchAll(/\b(?:str|int|bool)\('([A-Z0-9_]+)'/g)].map((m) => m[1]));
}

describe('docker-compose.yml', () => {
  const compose = loadCompose(COMPOSE_FILE, filledEnv());
  const services = compose.services as Record<string, any>;

  it('defines the whole stack: postgres, redis, a one-shot migrate job, backend, proxy, frontend, and mailpit for development', () => {
    expect(Object.keys(services).sort()).toEqual(['backend', 'frontend', 'mailpit', 'migrate', 'postgres', 'proxy', 'redis']);
    expect(services.migrate.restart).toBe('no');
    expect(services.mailpit.profiles).toEqual(['dev']);
    for (const name of ['postgres', 'redis', 'backend', 'frontend', 'proxy']) {
      expect(services[name].profiles).toBeUndefined();
      expect(services[name].restart).toBe('unless-stopped');
    }
  });

  it('gives every long-running service a healthcheck with timeouts', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'migrate') continue;
      const hc = service.healthcheck;
      expect({ name, test: Array.isArray(hc?.test) && hc.test.length > 1 }).toEqual({ name, test: true });
      expect(['CMD', 'CMD-SHELL']).toContain(hc.test[0]);
      for (const field of ['interval', 'timeout', 'retries', 'start_period']) expect({ name, field, set: hc[field] !== undefined }).toEqual({ name, field, set: true });
    }
  });

  it('starts in order: data stores healthy → migrations completed → backends healthy → proxy and frontend', () => {
    const dependsOn = (name: string) => services[name].depends_on as Record<string, { condition: string }>;
    expect(dependsOn('migrate')).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(dependsOn('backend')).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(dependsOn('proxy')).toEqual({ backend: { condition: 'service_healthy' } });
    expect(dependsOn('frontend')).toEqual({ backend: { condition: 'service_healthy' }, proxy: { condition: 'service_healthy' } });
  });

  it('lets the backend scale (`--scale backend=3`): no container_name, no published port, replicas never migrate', () => {
    const backend = services.backend;
    expect(backend.container_name).toBeUndefined();
    expect(backend.ports).toBeUndefined();
    expect(backend.expose).toEqual(['8000']);
    expect(serviceEnvironment(backend).RUN_MIGRATIONS).toBe('false');
    expect(serviceEnvironment(backend).PORT).toBe('8000');
    // Only the proxy is published (and Mailpit's UI, on the host's loopback only).
    const published = Object.entries(services).filter(([, s]) => s.ports).map(([n]) => n).sort();
    expect(published).toEqual(['mailpit', 'proxy']);
    for (const port of services.mailpit.ports as string[]) expect(port.startsWith('127.0.0.1:')).toBe(true);
    // The replicas share the connection budget: replicas × pool must fit max_connections.
    const maxConnections = Number((services.postgres.command as string[]).join(' ').match(/max_connections=(\d+)/)![1]);
    expect(Number(serviceEnvironment(backend).DATABASE_POOL_SIZE) * 3).toBeLessThan(maxConnections);
  });

  it('shuts replicas down gracefully: init forwards SIGTERM and the grace period exceeds the backend’s 10 s drain deadline', () => {
    for (const name of ['backend', 'frontend']) {
      expect(services[name].init).toBe(true);
      expect(parseInt(services[name].stop_grace_period, 10)).toBeGreaterThan(10);
    }
    expect(readFileSync(join(BACKEND_DIR, 'src/main.ts'), 'utf8')).toMatch(/SHUTDOWN_DEADLINE_MS = 10_000/);
  });

  it('pins every third-party image to a version tag (never latest); our own images are built from docker/', () => {
    for (const [name, service] of Object.entries<any>(services)) {
      if (service.build) {
        expect(service.build.dockerfile).toBe(`docker/${name === 'migrate' ? 'backend' : name}.Dockerfile`);
        continue;
      }
      const [repo, tag] = splitImage(service.image);
      expect({ name, repo, pinned: tag !== undefined && tag !== 'latest' && /\d/.test(tag) }).toEqual({ name, repo, pinned: true });
    }
  });

  it('takes every secret from .env: required (${VAR:?…}), no default, no literal anywhere', () => {
    const raw = loadComposeRaw(COMPOSE_FILE);
    const rawText = withoutComments(readFileSync(COMPOSE_FILE, 'utf8'));
    const secretRefs = new Map<string, { op: string | undefined; colon: boolean; rest: string }[]>();
    for (const ref of references(rawText)) {
      if (SECRET_VARS.includes(ref.name)) secretRefs.set(ref.name, [...(secretRefs.get(ref.name) ?? []), ref]);
    }
    expect([...secretRefs.keys()].sort()).toEqual([...SECRET_VARS].sort());
    for (const [name, refs] of secretRefs) for (const ref of refs) expect({ name, op: ref.op, colon: ref.colon }).toEqual({ name, op: '?', colon: true });

    // Every environment entry whose name says "secret" is nothing but a reference, or empty (optional).
    for (const [serviceName, service] of Object.entries<any>(raw.services)) {
      for (const [key, value] of Object.entries(serviceEnvironment(service))) {
        if (!SECRET_KEY.test(key)) continue;
        const stripped = value.replace(/\$\{[^}]*\}/g, '');
        expect({ serviceName, key, literal: stripped }).toEqual({ serviceName, key, literal: '' });
      }
    }
    // Credentials in URLs are references too: scheme://user:${…:?…}@host.
    const passwords = [...rawText.matchAll(/:\/\/(\$\{[^}]*\}|[^:@\s/]*):(\$\{[^}]*\}|[^@\s]*)@/g)].map((m) => m[2]);
    expect(passwords.length).toBeGreaterThanOrEqual(3);
    for (const password of passwords) expect(password).toMatch(/^\$\{[A-Z_]+:\?[^}]*\}$/);
  });

  it('refuses to interpolate when a secret is missing from .env, naming it', () => {
    for (const missing of SECRET_VARS) {
      const env = filledEnv();
      delete env[missing];
      expect(() => loadCompose(COMPOSE_FILE, env)).toThrow(MissingVariable);
      expect(() => loadCompose(COMPOSE_FILE, env)).toThrow(new RegExp(missing));
      // An empty value counts as missing (`:?`), so a blank line in .env cannot start the stack.
      expect(() => loadCompose(COMPOSE_FILE, { ...filledEnv(), [missing]: '' })).toThrow(MissingVariable);
    }
  });

  it('ships an .env template with every variable compose reads, secrets left empty', () => {
    const example = parseDotenv(readFileSync(ENV_EXAMPLE, 'utf8'));
    const referenced = new Set(references(withoutComments(readFileSync(COMPOSE_FILE, 'utf8'))).map((r) => r.name));
    // Image names are build-time knobs; everything else an operator may set is documented.
    for (const name of referenced) {
      if (['BACKEND_IMAGE', 'FRONTEND_IMAGE', 'MAILPIT_UI_PORT'].includes(name)) continue;
      expect({ name, documented: name in example }).toEqual({ name, documented: true });
    }
    for (const name of SECRET_VARS) expect({ name, value: example[name] }).toEqual({ name, value: '' });
  });

  it('passes the backend only variables its config loader reads, with production essentials set', () => {
    const known = backendConfigVariables();
    for (const name of ['backend', 'migrate']) {
      const env = serviceEnvironment(services[name]);
      for (const key of Object.keys(env)) expect({ service: name, key, known: known.has(key) }).toEqual({ service: name, key, known: true });
      expect(env.ENVIRONMENT).toBe('production');
      expect(env.DATABASE_URL).toBe('postgresql://app:fixture-pg-0123456789abcdef@postgres:5432/app');
      expect(env.REDIS_URL).toBe('redis://:fixture-redis-0123456789abcdef@redis:6379/0');
      expect(env.JWT_SECRET_KEY).toBe('fixture-jwt-0123456789abcdefghijklmnopqrstuvwxyz');
    }
  });

  it('passes the frontend only variables its server config reads', () => {
    const source = readFileSync(join(REPO_ROOT, 'frontend/src/lib/server/config.ts'), 'utf8');
    const known = new Set([...source.matchAll(/\benv\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    const env = serviceEnvironment(services.frontend);
    for (const key of Object.keys(env)) expect({ key, known: known.has(key) }).toEqual({ key, known: true });
    for (const key of ['DATABASE_URL', 'BETTER_AUTH_SECRET', 'BETTER_AUTH_URL', 'BACKEND_URL', 'TRUSTED_PROXIES']) expect(env[key]).toBeTruthy();
  });

  it('trusts X-Forwarded-For exactly from the stack network: TRUST_PROXY (backend) and TRUSTED_PROXIES (frontend) equal its subnet', () => {
    for (const subnet of [undefined, '10.211.7.0/24']) {
      const env = filledEnv(subnet ? { STACK_SUBNET: subnet } : {});
      if (!subnet) delete env.STACK_SUBNET;
      const model = loadCompose(COMPOSE_FILE, env);
      const networkSubnet = model.networks.internal.ipam.config[0].subnet;
      expect(networkSubnet).toBe(subnet ?? '172.29.0.0/24');
      expect(serviceEnvironment(model.services.backend).TRUST_PROXY).toBe(networkSubnet);
      expect(serviceEnvironment(model.services.frontend).TRUSTED_PROXIES).toBe(networkSubnet);
      expect(serviceEnvironment(model.services.proxy).STACK_SUBNET).toBe(networkSubnet);
      for (const [name, service] of Object.entries<any>(model.services)) expect({ name, networks: service.networks }).toEqual({ name, networks: ['internal'] });
    }
  });

  it('runs migrations with the compiled runner the backend build produces', () => {
    const command = services.migrate.command as string[];
    expect(command[0]).toBe('node');
    const script = command[1];
    expect(existsSync(join(BACKEND_DIR, script))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(BACKEND_DIR, 'package.json'), 'utf8'));
    expect(pkg.scripts['migration:run']).toContain(script);
  });

  it('routes the proxy: /api/* to backend:8000 replicas (re-resolved for scaling), the rest to frontend:3000', () => {
    const caddyfile = withoutComments(readFileSync(join(DOCKER_DIR, 'Caddyfile'), 'utf8'));
    expect(caddyfile).toMatch(/dynamic a backend 8000/);
    expect(caddyfile).toMatch(/reverse_proxy frontend:3000/);
    expect(caddyfile).toMatch(/lb_try_duration/);
    expect(caddyfile).toMatch(/\{\$SITE_ADDRESS::80\}/);
    // trusted_proxies only on the internal :8080 listener, never on the public site.
    const servers = /servers :8080 \{([^}]*)\}/.exec(caddyfile)?.[1] ?? '';
    expect(servers).toMatch(/trusted_proxies static \{\$STACK_SUBNET/);
    expect(caddyfile.match(/trusted_proxies/g)).toHaveLength(1);
    expect(serviceEnvironment(services.frontend).BACKEND_URL).toBe('http://proxy:8080');
    const volumes = services.proxy.volumes as string[];
    expect(volumes).toContain('./docker/Caddyfile:/etc/caddy/Caddyfile:ro');
  });

  it('hardens containers: read-only app filesystems, no new privileges, all capabilities dropped', () => {
    for (const name of ['backend', 'migrate', 'frontend']) {
      expect(services[name].read_only).toBe(true);
    }
    for (const [name, service] of Object.entries<any>(services)) {
      expect({ name, nnp: service.security_opt }).toEqual({ name, nnp: ['no-new-privileges:true'] });
      expect({ name, drop: service.cap_drop }).toEqual({ name, drop: ['ALL'] });
    }
  });
});

describe('compose variable interpolation (the reader the compose checks rely on)', () => {
  it('follows the compose rules for defaults, required values and escapes', () => {
    expect(interpolate('${A:-x}/${B-y}/${C:-}', { A: '', B: '' })).toBe('x//');
    expect(interpolate('$$HOME ${A}', { A: 'a' })).toBe('$HOME a');
    expect(interpolate('${A:-${B:-nested}}', {})).toBe('nested');
    expect(() => interpolate('${A:?A is required}', {})).toThrow('A: A is required');
    expect(() => interpolate('${A:?A is required}', { A: '' })).toThrow(MissingVariable);
    expect(interpolate('${A?set}', { A: '' })).toBe('');
  });
});

describe('Dockerfiles', () => {
  const backend = parseDockerfile(join(DOCKER_DIR, 'backend.Dockerfile'));
  const frontend = parseDockerfile(join(DOCKER_DIR, 'frontend.Dockerfile'));

  it('pass the lint (hadolint rules DL3000/3002/3004/3006/3007/3009/3015/3020/3022/3024/3025/3045/4000/4006 and the project rules)', () => {
    expect(lintDockerfile(backend)).toEqual([]);
    expect(lintDockerfile(frontend)).toEqual([]);
  });

  it('lint catches each violation it claims to (so a clean result means something)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-lint-'));
    try {
      const bad = join(dir, 'bad.Dockerfile');
      writeFileSync(
        bad,
        [
          'FROM node AS build',
          'MAINTAINER someone',
          'COPY src/ app/',
          'WORKDIR app',
          'ARG NPM_TOKEN',
          'ENV JWT_SECRET_KEY=abc',
          'ADD https://example.invalid/x.tgz /x.tgz',
          'RUN sudo npm install && curl -s https://example.invalid | sh',
          'RUN apt-get install -y curl',
          'COPY .env /app/.env',
          'COPY --from=nowhere /a /b',
          'FROM node:latest AS build',
          'USER root',
          'CMD node main.js',
        ].join('\n'),
      );
      const rules = lintDockerfile(parseDockerfile(bad)).map((p) => p.split(' ')[0]);
      for (const rule of ['DL3006', 'DL4000', 'DL3045', 'DL3000', 'PRJ003', 'DL3020', 'DL3004', 'PRJ001', 'PRJ002', 'DL4006', 'DL3015', 'DL3009', 'PRJ004', 'DL3022', 'DL3024', 'DL3007', 'DL3002', 'DL3025', 'PRJ007']) {
        expect({ rule, found: rules.includes(rule) }).toEqual({ rule, found: true });
      }
      writeFileSync(bad, 'FROM node:24.1.0-slim\nCMD ["node"]\n');
      expect(lintDockerfile(parseDockerfile(bad)).map((p) => p.split(' ')[0])).toEqual(expect.arrayContaining(['PRJ005', 'DL3002', 'PRJ007']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('build on one pinned Node 24 LTS base in every stage', () => {
    for (const df of [backend, frontend]) {
      const tags = new Set(df.stages.map((s) => s.resolvedImage));
      expect(tags.size).toBe(1);
      const [repo, tag] = splitImage([...tags][0]);
      expect(repo).toBe('node');
      expect(tag).toMatch(/^24\.\d+\.\d+-[a-z]+-slim$/);
    }
    // The same Node major the repository runs on (root package.json engines / node devDependency).
    const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(rootPkg.engines.node).toMatch(/>=24/);
    expect(splitImage(backend.stages[0].resolvedImage)[1]).toContain(rootPkg.devDependencies.node);
  });

  it('backend: production dependencies only (from the lockfile), compiled dist, non-root, started as `npm start` starts it (launcher, flags, environment)', () => {
    const prodDeps = stageByName(backend, 'prod-deps');
    const install = prodDeps.instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!;
    expect(install.args).toMatch(/--omit=dev/);
    expect(install.args).toMatch(/--workspace backend/);
    const runtime = runtimeStage(backend);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies.filter((c) => c.includes('node_modules')).every((c) => c.startsWith('--from=prod-deps'))).toBe(true);
    expect(copies.some((c) => c.startsWith('--from=build') && c.includes('backend/dist'))).toBe(true);
    expect(copies.some((c) => c.includes('src'))).toBe(false);
    expect(stageWorkdir(runtime)).toBe('/app/backend');
    expect(stageEnv(runtime)).toMatchObject({ NODE_ENV: 'production', ENVIRONMENT: 'production', PORT: '8000', HOST: '0.0.0.0' });
    // The same node flags and environment as `npm start` (the benchmark measures the start script's):
    // the heap sizing in NODE_OPTIONS, so a deployment can lift it; what NODE_OPTIONS refuses in CMD.
    const [, assignments, launcher, startFlags] = /^((?:[A-Z_]+=\S+ )*)sh (scripts\/with-jemalloc\.sh) node (.*) dist\/main\.js$/.exec(JSON.parse(readFileSync(join(REPO_ROOT, 'backend/package.json'), 'utf8')).scripts.start)!;
    const cmd = stageCmd(runtime)!;
    // The launcher that picks the allocator, copied into the image, which installs the allocator.
    expect(cmd.slice(0, 3)).toEqual(['sh', launcher, 'node']);
    expect(copies).toContain(`backend/${launcher} backend/scripts/`);
    expect(readFileSync(join(DOCKER_DIR, 'backend.Dockerfile.dockerignore'), 'utf8').split('\n')).toContain(`!backend/${launcher}`);
    expect(runtime.instructions.some((i) => i.keyword === 'RUN' && /apt-get install .*\blibjemalloc2\b/.test(i.args))).toBe(true);
    expect(cmd.at(-1)).toBe('dist/main.js');
    const imageFlags = [...cmd.slice(3, -1), ...stageEnv(runtime).NODE_OPTIONS.split(' ')];
    expect(imageFlags.sort()).toEqual(startFlags.split(' ').sort());
    // Without it, V8 sometimes pretenured node:events' second-listener arrays early under load, and
    // every request was then promoted whole (about one replica in twelve at 1.5-1.8x the CPU per
    // request for its whole life: BENCHMARKS.md, thirteenth session).
    expect(cmd).toContain('--no-allocation-site-pretenuring');
    expect(stageEnv(runtime).NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    for (const [name, value] of assignments.trim().split(' ').filter(Boolean).map((a) => a.split('='))) expect(stageEnv(runtime)[name]).toBe(value);
    expect(runtime.instructions.find((i) => i.keyword === 'USER')!.args).toBe('node');
    const hc = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
    expect(execForm(/CMD\s+(.*)$/.exec(hc.args)![1])!.join(' ')).toContain('/api/health');
    // The build stage compiles with the workspace's own build script and tsconfig.
    const build = stageByName(backend, 'build');
    expect(build.instructions.some((i) => i.keyword === 'RUN' && i.args === 'npm run build --workspace backend')).toBe(true);
    const pkg = JSON.parse(readFileSync(join(BACKEND_DIR, 'package.json'), 'utf8'));
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
    expect(pkg.type).toBe('module');
  });

  it('frontend: Next.js standalone server with .next/static and public copied beside it, non-root', () => {
    const nextConfig = readFileSync(join(REPO_ROOT, 'frontend/next.config.ts'), 'utf8');
    expect(nextConfig).toMatch(/output:\s*'standalone'/);
    const runtime = runtimeStage(frontend);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      '--from=build /app/frontend/.next/standalone ./',
      '--from=build /app/frontend/.next/static ./frontend/.next/static',
      '--from=build /app/frontend/public ./frontend/public',
    ]);
    expect(stageCmd(runtime)).toEqual(['node', 'frontend/server.js']);
    expect(stageEnv(runtime)).toMatchObject({ NODE_ENV: 'production', HOSTNAME: '0.0.0.0', PORT: '3000' });
    expect(runtime.instructions.find((i) => i.keyword === 'USER')!.args).toBe('node');
  });

  it('install what the build needs: TypeScript from the repository root when a workspace does not declare it', () => {
    const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const [name, df] of [['backend', backend], ['frontend', frontend]] as const) {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, name, 'package.json'), 'utf8'));
      const install = stageByName(df, 'build').instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!;
      expect(install.args).toContain(`--workspace ${name}`);
      const declared = Boolean(pkg.devDependencies?.typescript ?? pkg.dependencies?.typescript);
      if (!declared) {
        expect(rootPkg.devDependencies.typescript).toBeDefined();
        expect({ name, includesRoot: install.args.includes('--include-workspace-root') }).toEqual({ name, includesRoot: true });
      }
      expect(stageByName(df, 'build').instructions.some((i) => i.keyword === 'RUN' && i.args.includes(`npm run build --workspace ${name}`))).toBe(true);
    }
  });

  it('keep the build context to what each image needs (no node_modules, builds, .env or .git)', () => {
    for (const name of ['backend', 'frontend']) {
      const ignore = readFileSync(join(DOCKER_DIR, `${name}.Dockerfile.dockerignore`), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      expect(ignore[0]).toBe('**');
      const reincluded = ignore.filter((l) => l.startsWith('!'));
      for (const pattern of reincluded) {
        expect(pattern).not.toMatch(/\.env|node_modules|\.git\b|dist|\.next/);
      }
      // A broad re-include (frontend/**) is narrowed again afterwards.
      if (reincluded.includes('!frontend/**')) {
        const after = ignore.slice(ignore.indexOf('!frontend/**') + 1);
        expect(after).toEqual(expect.arrayContaining(['frontend/node_modules', 'frontend/.next', 'frontend/.env*']));
      }
    }
  });
});

describe('backend/scripts/with-jemalloc.sh (how `npm start` and the image start the backend)', () => {
  const LAUNCHER = join(BACKEND_DIR, 'scripts/with-jemalloc.sh');
  /** Runs `sh with-jemalloc.sh sh -c <script>` with exactly `env` (plus PATH). */
  const launch = (env: Record<string, string>, script: string) =>
    spawnSync('sh', [LAUNCHER, 'sh', '-c', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  const SHOW = 'printf "%s|%s" "${LD_PRELOAD-unset}" "${MALLOC_CONF-unset}"';
  // libc is always there and already loaded: preloading it changes nothing but proves the path.
  const PRESENT = 'libc.so.6';

  it('preloads the allocator with its options when the loader can, a MALLOC_CONF of the caller’s applied last so it wins', () => {
    expect(launch({ JEMALLOC_LIBRARY: PRESENT }, SHOW).stdout).toBe(`${PRESENT}|background_thread:true,oversize_threshold:0`);
    expect(launch({ JEMALLOC_LIBRARY: PRESENT, MALLOC_CONF: 'narenas:2' }, SHOW).stdout).toBe(`${PRESENT}|background_thread:true,oversize_threshold:0,narenas:2`);
    // By default the library is Debian's and Ubuntu's libjemalloc2, found by the loader's own search.
    expect(readFileSync(LAUNCHER, 'utf8')).toMatch(/^JEMALLOC=\$\{JEMALLOC_LIBRARY:-libjemalloc\.so\.2\}$/m);
  });

  it('runs the command as it is, and says nothing, where the allocator is not installed', () => {
    const r = launch({ JEMALLOC_LIBRARY: 'libno-such-allocator.so.9' }, SHOW);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: 'unset|unset', stderr: '' });
  });

  it('leaves an LD_PRELOAD the caller set alone: an empty one opts out', () => {
    expect(launch({ JEMALLOC_LIBRARY: PRESENT, LD_PRELOAD: '' }, SHOW).stdout).toBe('|unset');
  });

  it('replaces itself with the command: its process, its exit status', () => {
    const r = spawnSync('sh', ['-c', `sh ${LAUNCHER} sh -c 'echo $$; exit 7' & echo $!; wait $!`], { env: { PATH: process.env.PATH, JEMALLOC_LIBRARY: PRESENT }, encoding: 'utf8' });
    const [launched, ran] = r.stdout.trim().split('\n');
    expect(ran).toBe(launched);
    expect(r.status).toBe(7);
  });
});
