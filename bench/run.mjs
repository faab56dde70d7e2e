#!/usr/bin/env node
// `npm run bench [-- --quick]`: measures the built backend against its physical limits, side by side
// in one run: every scenario next to a baseline measured on the same machine, with the same load
// generator, moments apart (rounds interleave them so drift on a shared machine hits both alike).
//
// Options: --quick (< 2 min smoke run), --seconds=N, --rounds=N, --sizes=1000,100000,1000000,
//          --only=list,refresh,login,register,storm,scaling, --profile (backend --cpu-prof into
//          bench/results/profiles/), --keep-db (do not drop the bench database),
//          --loadgen=autocannon (instead of wrk), --against=<dir> (another build of the backend —
//          a directory holding its dist/main.js, e.g. a copy of backend/dist from main — measured
//          beside this one in the task list and refresh scenarios: an A/B of a change; with
//          BENCH_AGAINST_NODE_FLAGS it runs with those node flags instead, an A/B of flags; with
//          BENCH_AGAINST_ENV='NAME=value …' with that environment on top, e.g. 'LD_PRELOAD=' for
//          glibc's malloc instead of the start script's jemalloc), --pauses
//          (every server records its garbage collections and event-loop stalls, summarised per
//          round: what held the requests in flight; bench/lib/pause-recorder.mjs).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { provisionDatabase } from './lib/db.mjs';
import { chooseLoadGenerator, runLoad } from './lib/loadgen.mjs';
import { mallocOf, memoryMap } from './lib/memory-map.mjs';
import { cpuDelta, cpuMicros, cpuSnapshot, initProcStat, libuvNiceIncrement, libuvWorkers, minorFaults, poolCpuMicros, rssKiB, rssSampler } from './lib/procstat.mjs';
import { pairedRatio, renderMarkdown, renderTable, sup } from './lib/report.mjs';
import { emailOf, mintAccessTokens, mintRefreshChains, seedSessions, seedUsersWithTasks, usersOf } from './lib/seed.mjs';
import { SESSION_BATCH_SQL, TASK_PAGE_SQL } from './lib/sql.mjs';
import {
  BACKEND_DIR, BENCH_DIR, freePort, importFromBackend, ROOT_DIR, run, sleep, startProcess, stopProcess, waitForHttp,
} from './lib/util.mjs';

if (Number(process.versions.node.split('.')[0]) < 24) {
  // The native modules (argon2) are built for the Node 24 that `npm run` puts first on PATH.
  process.stderr.write(`bench: Node ${process.version} is too old; run it as \`npm run bench\` (Node 24 from node_modules/.bin)\n`);
  process.exit(1);
}

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

const QUICK = flag('quick');
const CFG = {
  mode: QUICK ? 'quick' : 'full',
  warmupSeconds: QUICK ? 1 : 3,
  seconds: Number(opt('seconds') ?? (QUICK ? 4 : 6)),
  rounds: Number(opt('rounds') ?? (QUICK ? 1 : 7)),
  sizes: (opt('sizes') ?? (QUICK ? '1000,100000' : '1000,100000,1000000')).split(',').map(Number),
  only: opt('only')?.split(','),
};
const wants = (s) => !CFG.only || CFG.only.includes(s);
// A/B: the other build runs from inside backend/ (or wherever its node_modules resolve), with this
// build's flags and environment, so only the code differs.
const AGAINST = opt('against') && resolve(opt('against'), existsSync(resolve(opt('against'), 'dist/main.js')) ? 'dist/main.js' : 'main.js');

const CORES = os.availableParallelism();
const LIST_CONNECTIONS = 50;
const REFRESH_CONNECTIONS = 50;
const HASH_CONNECTIONS = 2 * CORES;
const WRK_THREADS = Math.max(1, Math.min(CORES, 4));
const PASSWORD = 'Bench-passw0rd-for-load';
const PROBE_USERS = 10; // the users the scaling scenario reads: 100 tasks each at every table size
const MAIN_USERS = 1000;
const TASKS_PER_USER = 100;
const ARGON2 = {
  memoryKiB: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
  timeCost: Number(process.env.ARGON2_TIME_COST ?? 2),
  parallelism: Number(process.env.ARGON2_PARALLELISM ?? 1),
};
// Backend and baselines get the same pool. Default: the classic sizing for a database on this very
// machine (2 × cores + 1); 20 connections on 2 cores doubled the database CPU per request.
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 2 * CORES + 1);

const RESULTS_DIR = resolve(BENCH_DIR, 'results');
const WORK_DIR = resolve(RESULTS_DIR, 'work');
const t0 = Date.now();
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

const children = [];
let LOADGEN;
let db;
let runnerPool;
const extraPools = [];
const warmed = new Set();

async function main() {
  await initProcStat();
  const mainJs = resolve(BACKEND_DIR, 'dist/main.js');
  if (!existsSync(mainJs)) throw new Error('backend/dist/main.js is missing: run `npm run build -w backend` first');
  if (AGAINST && !existsSync(AGAINST)) throw new Error(`--against: ${AGAINST} is missing`);
  LOADGEN = await chooseLoadGenerator(opt('loadgen'), log);
  if (!LOADGEN) {
    throw new Error('no load generator: install wrk (Debian/Ubuntu `apt-get install wrk`, macOS `brew install wrk`) or autocannon (`npm install --no-save autocannon`)');
  }
  log(`load generator: ${LOADGEN.version}`);
  mkdirSync(WORK_DIR, { recursive: true });

  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  db = await provisionDatabase(runId, log);
  log(`database ${db.name} (${db.source})`);
  const pg = await importFromBackend('pg');
  const argon2 = await importFromBackend('argon2');
  runnerPool = new pg.Pool({ connectionString: db.url, max: 4, application_name: 'bench-runner' });
  const meta = await machineInfo();
  const results0 = {};

  // ---- backend ------------------------------------------------------------------------------
  const secret = randomBytes(48).toString('base64url');
  const backendEnv = {
    ...process.env,
    ENVIRONMENT: 'production',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    JWT_SECRET_KEY: secret,
    LOG_LEVEL: 'warn',
    // The load generator stands in for a proxy in front of many clients (see lua/common.lua).
    TRUST_PROXY: '127.0.0.1',
    THROTTLE_LIMIT: '10000000',
    THROTTLE_TTL_SECONDS: '60',
    AUTH_THROTTLE_LIMIT: '10000000',
    LOGIN_MAX_FAILURES: '10000000',
    // Required in production; never contacted (no scenario sends mail).
    SMTP_URL: process.env.BENCH_SMTP_URL ?? 'smtp://127.0.0.1:2525',
    ARGON2_MEMORY_KIB: String(ARGON2.memoryKiB),
    ARGON2_TIME_COST: String(ARGON2.timeCost),
    ARGON2_PARALLELISM: String(ARGON2.parallelism),
  };
  delete backendEnv.REDIS_URL; // in-memory throttler counters: one instance, nothing shared
  delete backendEnv.ADMIN_EMAIL;
  delete backendEnv.ADMIN_PASSWORD;
  const backendPkg = JSON.parse(readFileSync(resolve(BACKEND_DIR, 'package.json'), 'utf8'));
  const migrate = async (url) => {
    if (!backendPkg.scripts?.['migration:run']) return { RUN_MIGRATIONS: 'true' };
    const npm = process.env.npm_execpath;
    const m = await run(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'run', 'migration:run', '-w', 'backend'], {
      cwd: ROOT_DIR, env: { ...backendEnv, DATABASE_URL: url }, allowFail: true,
    });
    if (m.code === 0) return {};
    log(`migration:run failed, letting the backend migrate at start instead:\n${m.err || m.out}`);
    return { RUN_MIGRATIONS: 'true' };
  };
  // Run the backend the way `npm start` does: node flags in backend's start script (heap sizing,
  // for instance) apply here too; BENCH_BACKEND_NODE_FLAGS overrides them for experiments.
  const { env: startEnv, launcher, nodeFlags } = backendStart(backendPkg.scripts?.start);
  if (nodeFlags.length) log(`backend node flags: ${nodeFlags.join(' ')}`);
  if (Object.keys(startEnv).length) log(`backend start environment: ${Object.entries(startEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (launcher) log(`backend launcher: sh ${launcher} (the baselines run through it too)`);
  /** `node args…` as the start script runs it: through its launcher (the allocator's choice), if any. */
  const nodeCommand = (args) => (launcher ? ['sh', [resolve(BACKEND_DIR, launcher), process.execPath, ...args]] : [process.execPath, args]);
  // An A/B of the start environment: BENCH_AGAINST_ENV='LD_PRELOAD=' runs the other build on glibc's malloc.
  const againstEnv = assignments(process.env.BENCH_AGAINST_ENV);
  // Baselines are profiled too, so a profile of the backend can be read against its baseline's.
  if (flag('profile')) mkdirSync(resolve(RESULTS_DIR, 'profiles'), { recursive: true });
  const profileFlagsFor = (name) =>
    flag('profile') ? ['--cpu-prof', `--cpu-prof-dir=${resolve(RESULTS_DIR, 'profiles')}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
  /** Migrates `database` and starts a backend on it; returns a measurable target. */
  const startBackend = async (name, database, overrides = {}, entry = mainJs, flags = nodeFlags) => {
    const extraEnv = { ...(await migrate(database.url)), ...overrides };
    const port = await freePort();
    const pauses = pauseRecording(`${name}-${port}`);
    const p = startProcess(name, ...nodeCommand([...flags, ...profileFlagsFor(name), ...pauses.flags, entry]), {
      env: { ...backendEnv, ...startEnv, ...extraEnv, DATABASE_URL: database.url, PORT: String(port), ...pauses.env },
    });
    children.push(p);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/health`, { proc: p, okStatus: (st) => st === 200 }).catch((e) => {
      throw new Error(`${e.message}\n--- ${name} output ---\n${p.tail.join('\n')}`);
    });
    return { name, pid: p.pid, url, proc: p, dbName: database.name, pausesFile: pauses.file };
  };
  log('migrating (npm run migration:run -w backend) and starting the backend (production, LOG_LEVEL=warn)…');
  const mainBackend = await startBackend('backend', db);
  const backend = mainBackend.proc;
  const api = mainBackend.url;

  const backendUpAt = Date.now();
  results0.backendNodeFlags = [...nodeFlags, ...profileFlagsFor('backend')].filter((f) => !f.startsWith('--cpu-prof-name'));
  results0.backendStartEnv = startEnv;
  results0.backendLauncher = launcher ?? null;
  results0.backendMalloc = mallocOf(backend.pid);
  log(`backend malloc: ${results0.backendMalloc}`);

  // ---- seed: 10 probe users × 100 tasks, the users the scaling scenario reads -----------------
  log(`hashing the shared password (argon2id m=${ARGON2.memoryKiB} KiB, t=${ARGON2.timeCost}, p=${ARGON2.parallelism})…`);
  const passwordHash = await argon2.hash(PASSWORD, {
    type: argon2.argon2id, memoryCost: ARGON2.memoryKiB, timeCost: ARGON2.timeCost, parallelism: ARGON2.parallelism,
  });
  await seedUsersWithTasks(runnerPool, { group: 'p', from: 1, to: PROBE_USERS, passwordHash, tasksPerUser: TASKS_PER_USER });
  await runnerPool.query('ANALYZE');

  // Idle RSS 15 s after start (full runs; the quick one has no time to spare): the backend hashes
  // once as it starts (the dummy hash that evens out unknown-user sign-ins), and under jemalloc that
  // block goes back to the kernel only after its decay (~14 s here), where glibc unmaps a first block
  // at once.
  const idleAfterMs = QUICK ? 0 : 15_000;
  await sleep(Math.max(0, backendUpAt + idleAfterMs - Date.now()));
  results0.backendIdleRssMiB = rssKiBNow(backend.pid);
  results0.backendIdleRssAfterS = Math.round((Date.now() - backendUpAt) / 1000);

  // One real login tells the issuer/audience the backend signs with (and that login works at all).
  const login = await postJson(`${api}/api/auth/login`, { email: emailOf('p', 1), password: PASSWORD });
  if (login.status !== 200) throw new Error(`login as a seeded user failed: ${login.status} ${JSON.stringify(login.body)}\n${backend.tail.join('\n')}`);
  const claims = JSON.parse(Buffer.from(login.body.access_token.split('.')[1], 'base64url'));
  const jwtOpts = { key: (await import('./lib/jwt.mjs')).hs256Key(secret), issuer: claims.iss, audience: claims.aud };
  const probeUsers = await usersOf(runnerPool, 'p');
  const probeTokens = await mintAccessTokens(runnerPool, probeUsers, jwtOpts);
  const probeTokensFile = writeLines('tokens-probe.txt', probeTokens);
  const sample = await fetch(`${api}/api/tasks?limit=20`, { headers: { authorization: `Bearer ${probeTokens[0]}` } });
  const sampleBody = await sample.text();
  if (sample.status !== 200) throw new Error(`the backend refused a minted access token (${sample.status}): ${sampleBody}`);
  const bodyFile = resolve(WORK_DIR, 'task-list.json');
  writeFileSync(bodyFile, sampleBody);

  // ---- baselines ------------------------------------------------------------------------------
  // The baselines run with the backend's start environment and launcher too: the same allocator for all,
  // and the libuv pool the backend sized for itself (one thread per core unless UV_THREADPOOL_SIZE
  // is set), counted now that the login above has started it…
  const backendThreadpool = libuvWorkers(mainBackend.pid);
  const backendThreadpoolNice = libuvNiceIncrement(mainBackend.pid);
  const baseEnv = {
    ...backendEnv, ...startEnv, DATABASE_URL: db.url, JWT_ISSUER: claims.iss, JWT_AUDIENCE: claims.aud,
    PASSWORD_HASH: passwordHash, BODY_FILE: bodyFile,
    ...(backendThreadpool ? { UV_THREADPOOL_SIZE: String(backendThreadpool) } : {}),
    // …at the backend's priority below its event loop, which the hash bound applies to itself.
    THREADPOOL_NICE: String(backendThreadpoolNice ?? 0),
  };
  const startBaseline = async (name, file, extraEnv = {}) => {
    const port = await freePort();
    const pauses = pauseRecording(`${name}-${port}`);
    const p = startProcess(name, ...nodeCommand([...profileFlagsFor(name), ...pauses.flags, resolve(BENCH_DIR, 'baselines', file)]), { env: { ...baseEnv, ...extraEnv, PORT: String(port), ...pauses.env } });
    children.push(p);
    await waitForHttp(`http://127.0.0.1:${port}/`, { proc: p, okStatus: () => true });
    return { name, pid: p.pid, url: `http://127.0.0.1:${port}`, proc: p, pausesFile: pauses.file };
  };
  const B = {
    backend: mainBackend,
    floor: await startBaseline('floor', 'floor.mjs'),
    nestFastify: await startBaseline('nest-fastify', 'nest-minimal.mjs', { ADAPTER: 'fastify' }),
    // Only where @nestjs/platform-express is installed (the backend does not depend on it): point
    // BENCH_EXPRESS_MODULES_DIR at a directory whose node_modules has it and @nestjs/core.
    nestExpress: expressModulesDir() ? await startBaseline('nest-express', 'nest-minimal.mjs', { ADAPTER: 'express', NEST_MODULES_DIR: expressModulesDir() }) : undefined,
    list: await startBaseline('list', 'list.mjs'),
    listCoalesced: await startBaseline('list-coalesced', 'list.mjs', { SESSION_CHECKS: 'coalesced' }),
    refresh: await startBaseline('refresh', 'refresh.mjs'),
    hash: await startBaseline('hash', 'hash.mjs'),
  };

  // Every scenario gets a backend that has served no other load: V8 keeps its young generation at
  // the size the busiest load grew it to, and glibc keeps an arena of argon2 memory per threadpool
  // thread that ever hashed, so a shared process would report the list's heap in the login row and
  // the hashes' arenas in the list's. What one process serving every load holds is measured apart
  // (the "one process" row, after the scenarios).
  const retire = async (target) => {
    await stopProcess(target.proc);
    children.splice(children.indexOf(target.proc), 1);
  };
  let servedLoad = false;
  const freshBackend = async () => {
    if (!servedLoad) {
      servedLoad = true;
      return;
    }
    await retire(B.backend);
    B.backend = await startBackend('backend', db);
  };
  /** The --against build, fresh for each scenario like the backend; none without --against. */
  const againstFlags = process.env.BENCH_AGAINST_NODE_FLAGS !== undefined ? words(process.env.BENCH_AGAINST_NODE_FLAGS) : nodeFlags;
  const againstFor = async () => (AGAINST ? startBackend('backend-other', db, againstEnv, AGAINST, againstFlags) : undefined);

  const results = { meta: { ...meta, against: AGAINST ?? null, backendIdleRssMiB: results0.backendIdleRssMiB, backendIdleRssAfterS: results0.backendIdleRssAfterS, backendNodeFlags: results0.backendNodeFlags, backendStartEnv: results0.backendStartEnv, backendLauncher: results0.backendLauncher, backendMalloc: results0.backendMalloc, againstEnv: AGAINST ? againstEnv : null, config: { ...CFG, listConnections: LIST_CONNECTIONS, refreshConnections: REFRESH_CONNECTIONS, hashConnections: HASH_CONNECTIONS, wrkThreads: WRK_THREADS, argon2: ARGON2, poolSize: POOL_SIZE } }, scenarios: {}, scaling: [], plans: {}, queries: {} };
  const listSpec = (tokensFile) => ({ kind: 'get', path: '/api/tasks?limit=20', connections: LIST_CONNECTIONS, args: () => [tokensFile, '/api/tasks?limit=20'] });

  // ---- 10⁵ rows: 1 000 users × 100 tasks --------------------------------------------------------
  log(`seeding ${MAIN_USERS - PROBE_USERS} more users × ${TASKS_PER_USER} tasks…`);
  await seedUsersWithTasks(runnerPool, { group: 'm', from: PROBE_USERS + 1, to: MAIN_USERS, passwordHash, tasksPerUser: TASKS_PER_USER });
  await runnerPool.query('ANALYZE');
  const mainUsers = [...probeUsers, ...(await usersOf(runnerPool, 'm'))];
  const mainTokensFile = writeLines('tokens-main.txt', await mintAccessTokens(runnerPool, mainUsers, jwtOpts));
  const emailsFile = writeLines('emails.txt', mainUsers.map((u) => u.email));
  await settle(runnerPool);

  if (wants('list')) {
    log(`1. authenticated task list (c=${LIST_CONNECTIONS}): node:http floor, minimal NestJS, hand-written, backend…`);
    const spec = listSpec(mainTokensFile);
    await freshBackend();
    const against = await againstFor();
    const targets = [B.floor, B.nestFastify, ...(B.nestExpress ? [B.nestExpress] : []), B.list, B.listCoalesced, B.backend, ...(against ? [against] : [])];
    const measured = await compare(targets, spec, CFG.rounds, { sampleQueriesOf: 'backend' });
    const [floor, nestFastify] = measured;
    if (against) {
      results.scenarios.listAgainst = measured.pop();
      await retire(against);
    }
    const [hand, handCoalesced, api1] = measured.slice(-3);
    results.scenarios.floor = floor;
    results.scenarios.nestFastify = nestFastify;
    if (B.nestExpress) results.scenarios.nestExpress = measured[2];
    results.scenarios.listBaseline = hand;
    results.scenarios.listBaselineCoalesced = handCoalesced;
    results.scenarios.list = api1;
    results.queries.list = api1.queries;
    results.meta.listSqlMatchesBackend = sameStatements(api1.queries, [SESSION_BATCH_SQL, TASK_PAGE_SQL]);
    if (results.meta.listSqlMatchesBackend === false) {
      log('warning: the backend no longer sends bench/lib/sql.mjs\'s statements: the hand-written list runs other SQL than it (see queries.list in latest.json)');
    }
  }

  if (wants('refresh')) {
    log(`3. refresh rotation (c=${REFRESH_CONNECTIONS}): hand-written, backend…`);
    // Fresh chains for every run: a run that ends mid-request leaves its chains one step ahead.
    const spec = {
      kind: 'refresh', path: '/api/auth/refresh', connections: REFRESH_CONNECTIONS,
      args: async () => [writeLines(`chains-${Date.now()}.txt`, await mintRefreshChains(runnerPool, mainUsers, REFRESH_CONNECTIONS * 2)), '/api/auth/refresh'],
    };
    await freshBackend();
    const against = await againstFor();
    const [hand, api3, other] = await compare([B.refresh, B.backend, ...(against ? [against] : [])], spec, CFG.rounds, { sampleQueriesOf: 'backend' });
    if (against) {
      results.scenarios.refreshAgainst = other;
      await retire(against);
    }
    results.scenarios.refreshBaseline = hand;
    results.scenarios.refresh = api3;
    results.queries.refresh = api3.queries;
  }

  if (wants('login')) {
    log(`2. login (c=${HASH_CONNECTIONS}): argon2 verify bound, backend…`);
    const spec = { kind: 'login', path: '/api/auth/login', connections: HASH_CONNECTIONS, args: () => [emailsFile, PASSWORD, '/api/auth/login'] };
    await freshBackend();
    const against = await againstFor();
    const [bound, api2, other] = await compare([B.hash, B.backend, ...(against ? [against] : [])], spec, CFG.rounds, { sampleQueriesOf: 'backend' });
    if (against) {
      results.scenarios.loginAgainst = other;
      await retire(against);
    }
    results.scenarios.loginBaseline = bound;
    results.scenarios.login = api2;
    results.queries.login = api2.queries;
    results.lookupPlans = await explainSampledLookups(api2.queries ?? [], emailOf('m', 500));
    results.scenarios.argon2InProcess = await argon2InProcess(argon2, passwordHash);
  }

  if (wants('register')) {
    log(`4. register (c=${HASH_CONNECTIONS}): argon2 hash bound, backend…`);
    let n = 0;
    const spec = { kind: 'register', path: '/api/auth/register', connections: HASH_CONNECTIONS, args: () => [`r${runId}x${n++}`, PASSWORD, '/api/auth/register'] };
    await freshBackend();
    const against = await againstFor();
    const [bound, api4, other] = await compare([B.hash, B.backend, ...(against ? [against] : [])], spec, CFG.rounds);
    if (against) {
      results.scenarios.registerAgainst = other;
      await retire(against);
    }
    results.scenarios.registerBaseline = bound;
    results.scenarios.register = api4;
  }

  if (wants('list') && (wants('login') || wants('register'))) {
    // One process, every load in turn: the backend that just hashed now serves the task list, so
    // it holds the list's heap and the hashes' arenas at once — what a production instance sizes for.
    log('one process: the task list on the backend that served the argon2 load…');
    const [mixed] = await compare([B.backend], listSpec(mainTokensFile), 1);
    results.scenarios.oneProcess = mixed;
  }
  // Full runs only unless asked for (--only=storm): the quick smoke run has two minutes.
  if (wants('storm') && (!QUICK || CFG.only?.includes('storm'))) {
    // The task list and a sign-in storm on one instance at once. The hashing threads run below the
    // event loop (THREADPOOL_NICE); a backend with THREADPOOL_NICE=0 beside it shows what that buys.
    log(`6. the task list (c=${LIST_CONNECTIONS}) during a sign-in storm (c=${HASH_CONNECTIONS}): backend, backend with THREADPOOL_NICE=0…`);
    await freshBackend();
    const flat = await startBackend('backend-nice0', db, { THREADPOOL_NICE: '0' });
    const stormOnce = async (target, seconds) => {
      const load = (kind, args, connections) => runLoad(LOADGEN, { url: target.url, kind, args, threads: 1, connections, seconds });
      const rss = rssSampler(target.pid);
      const [list, login] = await Promise.all([
        load('get', [mainTokensFile, '/api/tasks?limit=20'], LIST_CONNECTIONS),
        load('login', [emailsFile, PASSWORD, '/api/auth/login'], HASH_CONNECTIONS),
      ]);
      if (target.proc.exitCode !== null) throw new Error(`${target.name} exited during the load:\n${target.proc.tail.join('\n')}`);
      // One process serves both loads: its CPU per request of either would be a guess, so none.
      return { list: { ...list, cpuUs: null, rssMaxMiB: rss.stop().maxMiB }, login: { ...login, cpuUs: null } };
    };
    const targets = [B.backend, flat];
    for (const t of targets) await stormOnce(t, CFG.warmupSeconds * 3);
    const runs = targets.map(() => ({ list: [], login: [] }));
    const rounds = Math.max(1, Math.ceil(CFG.rounds / 2));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [1, 0] : [0, 1];
      for (const i of order) {
        const m = await stormOnce(targets[i], CFG.seconds);
        runs[i].list.push(m.list);
        runs[i].login.push(m.login);
        log(`  ${targets[i].name.padEnd(13)} list ${fmtRate(m.list.ok / m.list.seconds)} req/s  p50 ${(m.list.p50us / 1000).toFixed(2)} ms  p99 ${(m.list.p99us / 1000).toFixed(2)} ms | sign-ins ${fmtRate(m.login.ok / m.login.seconds)}/s  p99 ${(m.login.p99us / 1000).toFixed(2)} ms  errors ${m.list.errors + m.login.errors}`);
      }
    }
    results.scenarios.stormList = aggregate('backend', runs[0].list);
    results.scenarios.stormLogin = aggregate('backend', runs[0].login);
    results.scenarios.stormListNice0 = aggregate('backend-nice0', runs[1].list);
    results.scenarios.stormLoginNice0 = aggregate('backend-nice0', runs[1].login);
    await retire(flat);
  }

  results.meta.libuvWorkers = { backend: libuvWorkers(B.backend.pid), hashBaseline: libuvWorkers(B.hash.pid) };
  results.meta.libuvNiceIncrement = { backend: libuvNiceIncrement(B.backend.pid), hashBaseline: libuvNiceIncrement(B.hash.pid) };
  if (wants('scaling')) {
    await freshBackend();
    // One database and one backend per table size, measured in interleaved rounds like every
    // other comparison: sizes cannot be compared moments apart in a single growing table.
    const sizes = [];
    for (const rows of CFG.sizes) {
      if (rows === MAIN_USERS * TASKS_PER_USER) {
        sizes.push({ rows, target: { ...B.backend, name: `backend-${sup(rows)}` }, pool: runnerPool, tokensFile: probeTokensFile, probe: probeUsers[0] });
        continue;
      }
      const sib = await db.sibling(`r${Math.round(Math.log10(rows))}`);
      const pool = new pg.Pool({ connectionString: sib.url, max: 4, application_name: 'bench-runner' });
      extraPools.push(pool);
      const target = await startBackend(`backend-${sup(rows)}`, sib);
      log(`scaling: seeding ${sib.name} with ${rows.toLocaleString('en-US')} task rows…`);
      await seedUsersWithTasks(pool, { group: 'p', from: 1, to: PROBE_USERS, passwordHash, tasksPerUser: TASKS_PER_USER });
      const more = rows / TASKS_PER_USER - PROBE_USERS;
      if (more > 0) {
        await bulkSeed(pool, () => seedUsersWithTasks(pool, { group: 'f', from: PROBE_USERS + 1, to: PROBE_USERS + more, passwordHash, tasksPerUser: TASKS_PER_USER }));
      }
      await seedSessions(pool);
      await pool.query('VACUUM ANALYZE');
      const probes = await usersOf(pool, 'p');
      const tokensFile = writeLines(`tokens-probe-${rows}.txt`, await mintAccessTokens(pool, probes, jwtOpts));
      sizes.push({ rows, target, pool, tokensFile, probe: probes[0] });
    }
    log(`5. scaling: the task list of the same 10 users with ${CFG.sizes.map((n) => sup(n)).join(', ')} rows in the table…`);
    const spec = { ...listSpec(null), args: (target) => [sizes.find((x) => x.target === target).tokensFile, '/api/tasks?limit=20'] };
    const measured = await compare(sizes.map((x) => x.target), spec, CFG.rounds);
    for (const [i, x] of sizes.entries()) {
      const count = Number((await x.pool.query('SELECT count(*) FROM tasks')).rows[0].count);
      results.scaling.push({ ...measured[i], rows: count, nominalRows: x.rows });
      results.plans[x.rows] = await explainList(x.pool, x.probe.id);
    }
  }

  results.meta.finishedAt = new Date().toISOString();
  results.meta.wallSeconds = Math.round((Date.now() - t0) / 1000);
  results.meta.loadAvgEnd = os.loadavg();
  results.summary = summarize(results);
  return results;
}

// ---- measuring -------------------------------------------------------------------------------

// DB CPU is read from /proc, so only for a server on this machine.
const LOCAL_DB = () => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(db.host);

async function dbPids(dbName) {
  if (!LOCAL_DB()) return [];
  const { rows } = await runnerPool.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
  return rows.map((r) => r.pid).filter((pid) => existsSync(`/proc/${pid}/stat`));
}

/** What the backend's connections run: distinct statement texts seen while the load is on. */
function sampleQueries() {
  const seen = new Map();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await runnerPool.query(
        `SELECT query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name NOT LIKE 'bench-%' AND query <> ''`,
        [db.name],
      );
      for (const r of rows) {
        const q = r.query.replace(/\s+/g, ' ').trim();
        seen.set(q, (seen.get(q) ?? 0) + 1);
      }
      await sleep(20);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([query, samples]) => ({ query, samples }));
  };
}

async function measureOnce(target, spec, seconds, { sample } = {}) {
  const args = await spec.args(target);
  const dbName = target.dbName ?? db.name;
  const pidsBefore = await dbPids(dbName);
  const db0 = cpuSnapshot(pidsBefore);
  const cpu0 = cpuMicros(target.pid);
  const pool0 = poolCpuMicros(target.pid);
  const faults0 = minorFaults(target.pid);
  const rss = rssSampler(target.pid);
  const stopSampling = sample ? sampleQueries() : null;
  const load = os.loadavg()[0];
  const from = Date.now();
  const r = await runLoad(LOADGEN, { url: target.url, kind: spec.kind, args, threads: WRK_THREADS, connections: spec.connections, seconds });
  const to = Date.now();
  const queries = stopSampling ? await stopSampling() : undefined;
  const mem = rss.stop();
  // Who holds the memory, read while the load's pages are still resident (a few ms of /proc).
  const memory = memoryMap(target.pid);
  const cpu1 = cpuMicros(target.pid);
  const pool1 = poolCpuMicros(target.pid);
  const faults1 = minorFaults(target.pid);
  const db1 = cpuSnapshot([...new Set([...pidsBefore, ...(await dbPids(dbName))])]);
  if (target.proc.exitCode !== null) throw new Error(`${target.name} exited during the load:\n${target.proc.tail.join('\n')}`);
  const pauses = target.pausesFile ? await pausesBetween(target.pausesFile, from, to) : undefined;
  return { ...r, pauses, cpuUs: cpu1 - cpu0, poolCpuUs: pool0 == null || pool1 == null ? null : pool1 - pool0, minorFaults: faults0 == null || faults1 == null ? null : faults1 - faults0, dbCpuUs: LOCAL_DB() ? cpuDelta(db0, db1) : null, rssMaxMiB: mem.maxMiB, rssAvgMiB: mem.avgMiB, memory, loadAvg1: load, queries };
}

/**
 * Measures each target `rounds` times, alternating the order every round (ABBA…), after one warm-up
 * run each, so that noise from neighbours spreads over all of them.
 */
async function compare(targets, spec, rounds, { sampleQueriesOf, warmupSeconds = CFG.warmupSeconds } = {}) {
  const runs = targets.map(() => []);
  const sampled = targets.map(() => undefined);
  for (const [i, t] of targets.entries()) {
    // A backend's first load of the run also compiles its hot paths: warm it up longer once.
    const first = t.name.startsWith('backend') && !warmed.has(t.pid);
    warmed.add(t.pid);
    // Statements are sampled (50 pg_stat_activity queries/s) during the warm-up only: in a measured
    // round the sampling would take CPU from the target and add to its DB CPU.
    const w = await measureOnce(t, spec, first ? Math.max(warmupSeconds, CFG.warmupSeconds * 3) : warmupSeconds, { sample: sampleQueriesOf === t.name });
    sampled[i] = w.queries;
  }
  for (let r = 0; r < rounds; r++) {
    const order = targets.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const m = await measureOnce(targets[i], spec, CFG.seconds);
      if (r === 0) m.queries = sampled[i];
      runs[i].push(m);
      log(`  ${targets[i].name.padEnd(12)} ${fmtRate(m.ok / m.seconds)} req/s  p50 ${(m.p50us / 1000).toFixed(2)} ms  p99 ${(m.p99us / 1000).toFixed(2)} ms  errors ${m.errors}  CPU µs/req ${Math.round(m.cpuUs / m.requests)} (pool ${m.poolCpuUs == null ? '—' : Math.round(m.poolCpuUs / m.requests)})  faults/req ${m.minorFaults == null ? '—' : (m.minorFaults / m.requests).toFixed(2)}${m.pauses ? `  | ${fmtPauses(m.pauses)}` : ''}`);
    }
  }
  return runs.map((rs, i) => aggregate(targets[i].name, rs));
}

const fmtRate = (n) => Math.round(n).toLocaleString('en-US').padStart(7);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function aggregate(target, runs) {
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const ok = runs.reduce((a, r) => a + r.ok, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const statuses = {};
  for (const r of runs) for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  const dbCpu = runs.every((r) => r.dbCpuUs != null) ? runs.reduce((a, r) => a + r.dbCpuUs, 0) : null;
  return {
    target,
    requests,
    ok,
    seconds,
    // Only successful responses count: a fast 401 or 500 is not throughput.
    rps: ok / seconds,
    p50ms: median(runs.map((r) => r.p50us)) / 1000,
    p99ms: median(runs.map((r) => r.p99us)) / 1000,
    maxms: Math.max(...runs.map((r) => r.maxus)) / 1000,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    statuses,
    cpuUsPerReq: runs.every((r) => r.cpuUs != null) ? runs.reduce((a, r) => a + r.cpuUs, 0) / requests : null,
    // Of it, libuv's pool threads (the hashes): the rest is the event loop's and V8's helpers'.
    poolCpuUsPerReq: runs.every((r) => r.poolCpuUs != null) ? runs.reduce((a, r) => a + r.poolCpuUs, 0) / requests : null,
    // The allocator's and the collector's churn: pages the server faulted in per request.
    minorFaultsPerReq: runs.every((r) => r.minorFaults != null) ? runs.reduce((a, r) => a + r.minorFaults, 0) / requests : null,
    dbCpuUsPerReq: dbCpu == null ? null : dbCpu / requests,
    rssMaxMiB: runs.some((r) => r.rssMaxMiB != null) ? Math.max(...runs.map((r) => r.rssMaxMiB ?? 0)) : null,
    // By owner, at the end of the round with the highest peak.
    memory: runs.reduce((a, r) => ((r.rssMaxMiB ?? 0) > (a?.rssMaxMiB ?? -1) ? r : a), null)?.memory ?? null,
    rounds: runs.map((r) => ({ rps: r.ok / r.seconds, minorFaultsPerReq: r.minorFaults == null ? null : r.minorFaults / r.requests, p50ms: r.p50us / 1000, p90ms: r.p90us / 1000, p99ms: r.p99us / 1000, maxms: r.maxus / 1000, errors: r.errors, loadAvg1: r.loadAvg1, extra: r.extra, ...(r.pauses ? { pauses: r.pauses } : {}) })),
    queries: runs.find((r) => r.queries)?.queries,
  };
}

/** `--pauses`: the preload and file that make a server (backend or baseline alike) record its pauses. */
function pauseRecording(id) {
  if (!flag('pauses')) return { flags: [], env: {}, file: undefined };
  const file = resolve(WORK_DIR, `pauses-${id}.ndjson`);
  return { flags: [`--import=${pathToFileURL(resolve(BENCH_DIR, 'lib', 'pause-recorder.mjs')).href}`], env: { BENCH_PAUSES_FILE: file }, file };
}

/**
 * What held a server's event loop inside one round (`--pauses`): its collections by kind (count,
 * total and longest pause), the ticks of the recorder's 5 ms timer that came 10 ms or more late, and
 * the most each of V8's spaces held resident (`v8MiB`: which of them a load grew the heap in).
 */
async function pausesBetween(file, from, to) {
  await sleep(250); // the recorder writes its lines every 200 ms
  const out = { minor: { n: 0, ms: 0, maxMs: 0 }, major: { n: 0, ms: 0, maxMs: 0 }, stalls: { n: 0, ms: 0, maxMs: 0 }, v8MiB: {} };
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.at < from || e.at > to) continue;
    if (e.spaces) {
      for (const [space, [resident]] of Object.entries(e.spaces)) out.v8MiB[space] = Math.max(out.v8MiB[space] ?? 0, resident);
      continue;
    }
    const bucket = e.stall ? out.stalls : out[e.gc];
    if (!bucket) continue; // incremental marking steps and weak callbacks run inside the others
    bucket.n++;
    bucket.ms += e.ms;
    bucket.maxMs = Math.max(bucket.maxMs, e.ms);
  }
  for (const b of [out.minor, out.major, out.stalls]) for (const k of ['ms', 'maxMs']) b[k] = Math.round(b[k] * 100) / 100;
  return out;
}

const fmtPauses = (p) =>
  `GC minor ${p.minor.n} (${p.minor.ms.toFixed(0)} ms, max ${p.minor.maxMs.toFixed(1)}), major ${p.major.n} (max ${p.major.maxMs.toFixed(1)} ms); stalls ≥ 10 ms ${p.stalls.n} (max ${p.stalls.maxMs.toFixed(1)} ms)` +
  (p.v8MiB.new !== undefined ? `; V8 new ${p.v8MiB.new} old ${p.v8MiB.old} MiB` : '');

async function argon2InProcess(argon2, hash) {
  // The raw bound without HTTP: as many verifies in flight as the login load has connections.
  const until = Date.now() + 2000;
  let n = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: HASH_CONNECTIONS }, async () => {
    while (Date.now() < until) {
      await argon2.verify(hash, PASSWORD);
      n++;
    }
  }));
  return { verifiesPerSecond: n / ((performance.now() - started) / 1000) };
}

async function explainList(pool, userId) {
  const out = {};
  for (const [name, sql, params] of [
    ['sessionCheck', SESSION_BATCH_SQL, null],
    ['taskPage', TASK_PAGE_SQL, [userId, 20, 0]],
  ]) {
    let p = params;
    if (!p) {
      // A batch as a busy backend sends it: this user's session among nine others.
      const { rows } = await pool.query(
        `(SELECT id FROM sessions WHERE user_id = $1 LIMIT 1) UNION ALL (SELECT id FROM sessions WHERE user_id <> $1 LIMIT 9)`,
        [userId],
      );
      p = [rows.map((r) => r.id), new Date()];
    }
    const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, p);
    const text = rows.map((r) => r['QUERY PLAN']).join('\n');
    out[name] = {
      plan: text,
      indexes: [...new Set([...text.matchAll(/(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]))],
      seqScans: [...new Set([...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))],
      executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1]),
    };
  }
  return out;
}

/** Whether every one of `texts` was among the sampled statements (null when nothing was sampled). */
function sameStatements(sampled, texts) {
  if (!sampled?.length) return null;
  const norm = (q) => q.replace(/\s+/g, ' ').trim();
  const seen = new Set(sampled.map((q) => norm(q.query)));
  return texts.every((t) => seen.has(norm(t)));
}

/**
 * Whether the backend's own lookups (SELECTs sampled from pg_stat_activity whose parameters are all
 * text, i.e. by email) can use an index at all: planned with sequential scans disabled, so the
 * answer does not depend on how many rows the table has today. A Seq Scan left in such a plan means
 * no index matches the predicate, and the statement reads the whole table at any size.
 */
async function explainSampledLookups(queries, email) {
  const out = [];
  const c = await runnerPool.connect();
  try {
    for (const { query } of queries) {
      if (!/^select\b/i.test(query)) continue;
      await c.query('BEGIN');
      try {
        await c.query(`PREPARE bench_lookup AS ${query}`);
        const { rows } = await c.query(`SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = 'bench_lookup'`);
        const types = rows[0].types;
        if (types.length === 0 || !types.every((t) => /^(text|character varying)$/.test(t))) continue;
        await c.query('SET LOCAL enable_seqscan = off');
        const args = types.map(() => c.escapeLiteral(email)).join(', ');
        const plan = (await c.query(`EXPLAIN (COSTS OFF) EXECUTE bench_lookup(${args})`)).rows.map((r) => r['QUERY PLAN']).join('\n');
        out.push({
          query,
          plan,
          indexes: [...new Set([...plan.matchAll(/(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]))],
          seqScans: [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))],
        });
      } catch {
        // Not every sampled text is a complete statement on its own; those are skipped.
      } finally {
        await c.query('ROLLBACK');
      }
    }
  } finally {
    c.release();
  }
  return out;
}

/** Set-based bulk insert into tasks with its secondary indexes rebuilt afterwards (same definitions). */
async function bulkSeed(pool, insert) {
  const { rows } = await pool.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = 'tasks'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const r of rows) await pool.query(`DROP INDEX ${r.indexname}`);
  try {
    await insert();
  } finally {
    const c = await pool.connect();
    try {
      await c.query(`SET maintenance_work_mem = '256MB'`);
      for (const r of rows) await c.query(r.indexdef);
    } finally {
      c.release();
    }
  }
  await pool.query('VACUUM ANALYZE tasks');
}

// ---- helpers ---------------------------------------------------------------------------------

const rssKiBNow = (pid) => (rssKiB(pid) ?? 0) / 1024;

/**
 * Leaves the freshly seeded database at rest before anything is measured: otherwise autovacuum's pass
 * over 10⁵ new rows and the checkpoint of their WAL land in the first measured rounds (both servers'
 * first-round p99 was ~1.4× the others').
 */
async function settle(pool) {
  await pool.query('VACUUM ANALYZE');
  await pool.query('CHECKPOINT').catch((e) => log(`CHECKPOINT refused (${e.message}); measuring without it`));
}

/** Whitespace-separated words: node flags or `NAME=value` assignments. */
const words = (text) => (text ?? '').trim().split(/\s+/).filter(Boolean);
/** `NAME=value NAME2=` words as an environment (an empty value stays set, empty). */
const assignments = (text) => Object.fromEntries(words(text).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));

/**
 * How `npm start` runs the backend: the `NAME=value` assignments in front (allocator tuning, say),
 * the `sh <script>` that launches node, if any (backend/scripts/with-jemalloc.sh: the allocator),
 * and node's own flags (heap sizing). BENCH_BACKEND_NODE_FLAGS overrides the flags.
 */
function backendStart(startScript) {
  const m = /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)(?:sh\s+(\S+)\s+)?node((?:\s+--?[\w-]+(?:=\S+)?)*)\s+dist\/main\.js/.exec(startScript ?? '');
  const env = assignments(m?.[1]);
  const nodeFlags = process.env.BENCH_BACKEND_NODE_FLAGS !== undefined ? words(process.env.BENCH_BACKEND_NODE_FLAGS) : words(m?.[3]);
  return { env, launcher: m?.[2], nodeFlags };
}

function expressModulesDir() {
  for (const dir of [process.env.BENCH_EXPRESS_MODULES_DIR, BACKEND_DIR].filter(Boolean)) {
    try {
      createRequire(resolve(dir, 'package.json')).resolve('@nestjs/platform-express');
      return dir;
    } catch {}
  }
  return null;
}

function writeLines(name, lines) {
  const file = resolve(WORK_DIR, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function postJson(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, body: json };
}

async function machineInfo() {
  const cpus = os.cpus();
  const { rows } = await runnerPool.query('SELECT version() AS v, current_setting($1) AS sb', ['shared_buffers']);
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(resolve(ROOT_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  return {
    startedAt: new Date(t0).toISOString(),
    host: os.hostname(),
    cpu: cpus[0]?.model.trim(),
    cores: CORES,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0].v.split(' on ')[0],
    postgresSharedBuffers: rows[0].sb,
    postgresSource: db.source,
    loadGenerator: LOADGEN.version,
    versions: { nest: pkg('@nestjs/core'), fastify: pkg('fastify'), typeorm: pkg('typeorm'), pg: pkg('pg'), argon2: pkg('argon2') },
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? 'unset (the backend sizes it: one thread per core, at least two)',
    loadAvgStart: os.loadavg(),
  };
}

function summarize(r) {
  const s = r.scenarios;
  const ratio = pairedRatio;
  const rows = [];
  const target = (name, value, goal, ok) => rows.push({ name, value, goal, met: ok == null ? null : ok });
  if (s.list) {
    target('Task list ≥ 70 % of hand-written req/s', ratio(s.list, s.listBaseline), '≥ 0.70', ratio(s.list, s.listBaseline) >= 0.7);
    // The minimum's own p99 says whether this machine can meet the goal at all.
    const coalescedNote = s.listBaselineCoalesced ? `; coalesced: ${s.listBaselineCoalesced.p99ms.toFixed(1)} ms` : '';
    const floorNote = s.listBaseline ? ` (hand-written minimum: ${s.listBaseline.p99ms.toFixed(1)} ms${coalescedNote})` : '';
    target(`Task list p99 ≤ 25 ms at c=50${floorNote}`, s.list.p99ms, '≤ 25 ms', s.list.p99ms <= 25);
  }
  if (s.login) target('Login ≥ 90 % of the argon2 bound', ratio(s.login, s.loginBaseline), '≥ 0.90', ratio(s.login, s.loginBaseline) >= 0.9);
  if (s.refresh) target('Refresh ≥ 70 % of hand-written', ratio(s.refresh, s.refreshBaseline), '≥ 0.70', ratio(s.refresh, s.refreshBaseline) >= 0.7);
  if (r.scaling.length >= 2) {
    const first = r.scaling[0];
    const last = r.scaling[r.scaling.length - 1];
    // Paired like the throughput ratios: per round, p50 at the largest size over p50 at the smallest.
    const growth = median(last.rounds.map((x, i) => x.p50ms / first.rounds[i].p50ms));
    target(`Latency flat from ${sup(first.nominalRows)} to ${sup(last.nominalRows)} rows (p50 ratio)`, growth, '≤ 1.20', growth <= 1.2);
    // On a 10-row table a sequential scan is the right plan; what matters is the largest table.
    const largest = r.plans[last.nominalRows];
    const plansOk = largest.taskPage.seqScans.length === 0 && largest.sessionCheck.seqScans.length === 0 && largest.taskPage.indexes.length > 0;
    target(`Query plans at ${sup(last.nominalRows)} rows use indexes only`, plansOk ? 1 : 0, 'yes', plansOk);
  }
  if (r.lookupPlans?.length) {
    const bad = r.lookupPlans.filter((p) => p.seqScans.length > 0);
    target('Login lookups can use an index (sampled statements)', bad.length === 0 ? 1 : 0, 'yes', bad.length === 0);
  }
  const backendRss = Math.max(...[s.list, s.login, s.refresh, s.register, ...r.scaling].filter(Boolean).map((x) => x.rssMaxMiB));
  if (Number.isFinite(backendRss)) target('Backend RSS under load < 200 MB (each load)', backendRss, '< 200 MiB', backendRss < 200);
  if (s.oneProcess) target('Backend RSS < 200 MB, one process serving argon2 then list load', s.oneProcess.rssMaxMiB, '< 200 MiB', s.oneProcess.rssMaxMiB < 200);
  // The smoke test judges the product: errors of the backend fail the run; errors of a baseline (a
  // measuring instrument starved of CPU on a busy machine) are reported, not fatal.
  const isBackend = (key) => !/Baseline$|Against$|^floor$|^nest|InProcess$/.test(key);
  const count = (entries) => entries.filter((x) => x && typeof x.errors === 'number').reduce((a, x) => a + x.errors, 0);
  const errors = count([...Object.entries(s).filter(([k]) => isBackend(k)).map(([, v]) => v), ...r.scaling]);
  const baselineErrors = count(Object.entries(s).filter(([k]) => !isBackend(k)).map(([, v]) => v));
  return { targets: rows, errors, baselineErrors };
}

// ---- entry -----------------------------------------------------------------------------------

let exitCode = 0;
try {
  const results = await main();
  writeFileSync(resolve(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(resolve(RESULTS_DIR, 'latest.md'), renderMarkdown(results));
  process.stdout.write(`\n${renderTable(results)}\n`);
  log(`wrote bench/results/latest.json and latest.md (${results.meta.wallSeconds} s)`);
  if (results.summary.baselineErrors > 0) {
    log(`warning: ${results.summary.baselineErrors} request errors in the baselines (not the backend), see latest.json`);
  }
  if (results.summary.errors > 0) {
    log(`FAILED: ${results.summary.errors} backend request errors (non-2xx or socket errors), see latest.json`);
    exitCode = 1;
  }
} catch (e) {
  log(`FAILED: ${e.stack ?? e}`);
  exitCode = 1;
} finally {
  for (const c of children.reverse()) await stopProcess(c);
  for (const p of extraPools) await p.end().catch(() => {});
  await runnerPool?.end().catch(() => {});
  if (db && !flag('keep-db')) await db.drop().catch((e) => log(`could not drop ${db.name}: ${e.message}`));
}
process.exit(exitCode);
