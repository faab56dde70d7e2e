// Renders latest.json as a terminal table and as Markdown (the source of BENCHMARKS.md's table).
import { fmt } from './util.mjs';

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/**
 * Throughput ratio of `a` to `b`: the median over rounds of a's rate over b's rate in the same round
 * (measured moments apart), so a burst of load from elsewhere skews one pair, not the result.
 */
export function pairedRatio(a, b) {
  if (!a || !b) return null;
  const n = Math.min(a.rounds.length, b.rounds.length);
  return median(Array.from({ length: n }, (_, i) => a.rounds[i].rps / b.rounds[i].rps));
}

export const sup = (n) => {
  const e = Math.round(Math.log10(n));
  return 10 ** e === n ? `10${String(e).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d])}` : n.toLocaleString('en-US');
};

function rows(r) {
  const s = r.scenarios;
  const out = [];
  const add = (scenario, server, m, base, baseLabel) => {
    if (!m) return;
    out.push({
      scenario,
      server,
      rps: fmt.int(m.rps),
      p50: fmt.num(m.p50ms, 2),
      p99: fmt.num(m.p99ms, 2),
      errors: String(m.errors),
      cpu: fmt.int(m.cpuUsPerReq),
      dbcpu: fmt.int(m.dbCpuUsPerReq),
      rss: fmt.int(m.rssMaxMiB),
      ratio: base ? `${fmt.ratio(pairedRatio(m, base))} ${baseLabel}` : 'baseline',
    });
  };
  // --against: the other build, and this build's rate as a ratio to it (the A/B's answer).
  const againstRow = (other, mine) => {
    if (!other) return;
    add('', `other build (--against ${r.meta.against})`, other);
    out[out.length - 1].ratio = `backend ${fmt.ratio(pairedRatio(mine, other))} of it`;
  };
  const c = r.meta.config;
  add(`1. Task list (c=${c.listConnections})`, 'bare node:http, same JSON (floor)', s.floor);
  add('', 'minimal NestJS, Fastify adapter, same JSON', s.nestFastify, s.floor, 'of floor');
  add('', 'minimal NestJS, Express adapter, same JSON', s.nestExpress, s.floor, 'of floor');
  add('', 'hand-written node:http + pg', s.listBaseline);
  add('', 'hand-written, session checks coalesced like the backend', s.listBaselineCoalesced, s.listBaseline, 'of hand-written');
  add('', '**backend**', s.list, s.listBaseline, 'of hand-written');
  if (s.list && s.listBaselineCoalesced) out[out.length - 1].ratio += `; ${fmt.ratio(pairedRatio(s.list, s.listBaselineCoalesced))} of coalesced`;
  if (s.list && s.floor) out[out.length - 1].ratio += `; ${fmt.ratio(pairedRatio(s.list, s.floor))} of floor`;
  againstRow(s.listAgainst, s.list);
  add(`2. Login (c=${c.hashConnections})`, 'argon2id verify over node:http (bound)', s.loginBaseline);
  add('', '**backend**', s.login, s.loginBaseline, 'of bound');
  againstRow(s.loginAgainst, s.login);
  add(`3. Refresh (c=${c.refreshConnections})`, 'hand-written node:http + pg', s.refreshBaseline);
  add('', '**backend**', s.refresh, s.refreshBaseline, 'of hand-written');
  againstRow(s.refreshAgainst, s.refresh);
  add(`4. Register (c=${c.hashConnections})`, 'argon2id hash over node:http (bound)', s.registerBaseline);
  add('', '**backend**', s.register, s.registerBaseline, 'of bound');
  againstRow(s.registerAgainst, s.register);
  add('One process', '**backend** that served the argon2 load, then the task list', s.oneProcess);
  if (s.oneProcess) out[out.length - 1].ratio = 'RSS of every load at once';
  const first = r.scaling[0];
  for (const [i, m] of r.scaling.entries()) {
    add(i === 0 ? `5. Scaling (c=${c.listConnections})` : '', `**backend**, ${sup(m.nominalRows)} task rows`, m);
    out[out.length - 1].ratio = i === 0 ? 'p50 reference' : `p50 ${fmt.ratio(median(m.rounds.map((x, k) => x.p50ms / first.rounds[k].p50ms)))}`;
  }
  add(`6. List + sign-in storm (c=${c.listConnections} + ${c.hashConnections})`, 'backend with THREADPOOL_NICE=0: the task list', s.stormListNice0);
  add('', 'backend with THREADPOOL_NICE=0: sign-ins beside it', s.stormLoginNice0);
  add('', '**backend**: the task list', s.stormList, s.stormListNice0, 'of NICE=0');
  add('', '**backend**: sign-ins beside it', s.stormLogin, s.stormLoginNice0, 'of NICE=0');
  return out;
}

const COLS = [
  ['scenario', 'Scenario'], ['server', 'Server'], ['rps', 'req/s'], ['p50', 'p50 ms'], ['p99', 'p99 ms'], ['errors', 'errors'],
  ['cpu', 'CPU µs/req'], ['dbcpu', 'DB CPU µs/req'], ['rss', 'RSS MiB'], ['ratio', 'ratio'],
];

function targetRows(r) {
  return r.summary.targets.map((t) => {
    let value = t.value;
    if (/ratio|%|flat/.test(t.name)) value = fmt.ratio(t.value);
    else if (/ms/.test(t.goal)) value = `${fmt.num(t.value, 1)} ms`;
    else if (/MiB/.test(t.goal)) value = `${fmt.int(t.value)} MiB`;
    else if (t.goal === 'yes') value = t.value ? 'yes' : 'no';
    return { name: t.name, value, goal: t.goal, met: t.met ? 'met' : '**missed**' };
  });
}

function planRows(r) {
  return Object.entries(r.plans).map(([rows, p]) => ({
    rows: sup(Number(rows)),
    session: `${p.sessionCheck.indexes.join(', ') || 'none'}${p.sessionCheck.seqScans.length ? `; SEQ SCAN ${p.sessionCheck.seqScans.join(', ')}` : ''} (${fmt.num(p.sessionCheck.executionMs, 3)} ms)`,
    page: `${p.taskPage.indexes.join(', ') || 'none'}${p.taskPage.seqScans.length ? `; SEQ SCAN ${p.taskPage.seqScans.join(', ')}` : ''} (${fmt.num(p.taskPage.executionMs, 3)} ms)`,
  }));
}

function loginPlans(r) {
  const plans = r.lookupPlans ?? [];
  if (plans.length === 0) return '';
  return `\n## Lookups of the login path (sampled from pg_stat_activity, planned with sequential scans disabled)\n\n${plans
    .map((p) => `- ${p.seqScans.length ? `**Seq Scan on ${p.seqScans.join(', ')}: no usable index**` : `index ${p.indexes.join(', ')}`} — \`${p.query.length > 160 ? `${p.query.slice(0, 157)}…` : p.query}\``)
    .join('\n')}\n`;
}

/** The backend's RSS by owner for each of its loads (bench/lib/memory-map.mjs; end of the busiest round). */
function memoryRows(r) {
  const s = r.scenarios;
  const loads = [['1. task list', s.list], ['2. login', s.login], ['3. refresh', s.refresh], ['4. register', s.register], ['one process', s.oneProcess]];
  return loads.filter(([, m]) => m?.memory).map(([load, m]) => {
    const sum = (test) => m.memory.kinds.filter((k) => test(k.kind)).reduce((a, k) => a + k.mib, 0);
    const binary = sum((k) => k.startsWith('executable'));
    const v8 = sum((k) => k.startsWith('V8 '));
    const threadArenas = m.memory.arenas.filter((a) => a.where !== '[heap]' && a.mib >= 1).map((a) => a.mib.toFixed(1));
    const main = sum((k) => k.startsWith('glibc main'));
    const threads = sum((k) => k.startsWith('glibc thread'));
    // Under jemalloc malloc's memory cannot be told from the other anonymous mappings: it is in `rest`.
    const glibc = m.memory.malloc !== 'jemalloc';
    return {
      load,
      glibc,
      total: fmt.num(m.memory.totalMiB, 1),
      binary: fmt.num(binary, 1),
      v8: fmt.num(v8, 1),
      main: glibc ? fmt.num(main, 1) : '—',
      threads: glibc ? `${fmt.num(threads, 1)}${threadArenas.length ? ` (${threadArenas.join(' + ')})` : ''}` : '—',
      rest: fmt.num(m.memory.totalMiB - binary - v8 - main - threads, 1),
    };
  });
}

/**
 * A hashing load's CPU per request, split: libuv's pool threads (the argon2 work) and the rest of the
 * process (event loop, V8's helpers), beside the database's. The ratio to the bound is about this
 * split: the bound's process does little but hash, so what the backend adds outside the pool (and
 * in PostgreSQL) is taken from the hashing threads on a machine with as many cores as they are.
 */
function hashCpuRows(r) {
  const s = r.scenarios;
  const loads = [['2. login', 'bound', s.loginBaseline], ['2. login', 'backend', s.login], ['4. register', 'bound', s.registerBaseline], ['4. register', 'backend', s.register]];
  return loads
    .filter(([, , m]) => m?.poolCpuUsPerReq != null && m.cpuUsPerReq != null)
    .map(([load, server, m]) => ({
      load,
      server,
      pool: fmt.int(m.poolCpuUsPerReq),
      rest: fmt.int(m.cpuUsPerReq - m.poolCpuUsPerReq),
      db: fmt.int(m.dbCpuUsPerReq),
    }));
}

const HASH_CPU_COLS = [['load', 'load'], ['server', 'server'], ['pool', 'libuv pool threads µs/req'], ['rest', 'rest of the process µs/req'], ['db', 'PostgreSQL µs/req']];

const MEMORY_COLS = [
  ['load', 'backend load'], ['total', 'RSS MiB'], ['v8', 'V8 heap + code'], ['binary', 'node binary (file pages)'],
  ['threads', 'glibc thread arenas'], ['main', 'glibc main arena'], ['rest', 'rest (under jemalloc: with malloc\'s memory)'],
];

/** `--pauses`: what held each server's event loop, summed over its measured rounds. */
function pauseRows(r) {
  const out = [];
  for (const [key, m] of Object.entries(r.scenarios)) {
    const rounds = (m?.rounds ?? []).filter((x) => x.pauses);
    if (rounds.length === 0) continue;
    const sum = (kind, f) => rounds.reduce((a, x) => a + x.pauses[kind][f], 0);
    const max = (kind) => Math.max(...rounds.map((x) => x.pauses[kind].maxMs));
    const seconds = rounds.length * (m.seconds / m.rounds.length);
    out.push({
      load: `${key} (${m.target})`,
      minor: `${fmt.num(sum('minor', 'n') / seconds, 1)}/s, ${fmt.num((100 * sum('minor', 'ms')) / (1000 * seconds), 1)} % of the time, max ${fmt.num(max('minor'), 1)} ms`,
      major: `${sum('major', 'n')}, max ${fmt.num(max('major'), 1)} ms`,
      stalls: `${sum('stalls', 'n')}, max ${fmt.num(max('stalls'), 1)} ms`,
      p99: rounds.map((x) => fmt.num(x.p99ms, 1)).join(' / '),
      v8: v8Spaces(rounds),
    });
  }
  return out;
}

const PAUSE_COLS = [
  ['load', 'scenario (server)'], ['minor', 'scavenges'], ['major', 'mark-compacts'], ['stalls', 'event-loop stalls ≥ 10 ms'], ['p99', 'p99 ms per round'],
  ['v8', 'V8 new / old space, most resident (MiB)'],
];

/** The most V8's young and old generations held resident in any of the rounds. */
function v8Spaces(rounds) {
  const most = (space) => Math.max(0, ...rounds.map((x) => x.pauses.v8MiB?.[space] ?? 0));
  return rounds.some((x) => x.pauses.v8MiB?.new !== undefined) ? `${fmt.num(most('new'), 1)} / ${fmt.num(most('old'), 1)}` : '—';
}

function machine(r) {
  const m = r.meta;
  return `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ${m.postgres} (${m.postgresSource}, shared_buffers ${m.postgresSharedBuffers}); ${m.loadGenerator}; backend malloc ${m.backendMalloc ?? 'glibc'}; load average at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' ')}, at end ${m.loadAvgEnd.map((x) => x.toFixed(2)).join(' ')}`;
}

function mdTable(cols, data) {
  const head = `| ${cols.map((c) => c[1]).join(' | ')} |\n|${cols.map(() => '---').join('|')}|\n`;
  return head + data.map((d) => `| ${cols.map((c) => d[c[0]]).join(' | ')} |`).join('\n');
}

export function renderMarkdown(r) {
  const m = r.meta;
  const a = r.scenarios.argon2InProcess;
  const memory = memoryRows(r);
  const pauses = pauseRows(r);
  const hashCpu = hashCpuRows(r);
  return `# Benchmark run ${m.startedAt} (${m.config.mode})

Machine: ${machine(r)}.
Load: ${m.loadGenerator}${m.loadGenerator.startsWith('wrk') ? ` (${m.config.wrkThreads} threads)` : ''}, ${m.config.rounds} × ${m.config.seconds} s per server and scenario (interleaved), after a ${m.config.warmupSeconds} s warm-up; argon2id m=${m.config.argon2.memoryKiB} KiB t=${m.config.argon2.timeCost} p=${m.config.argon2.parallelism}; DB pool ${m.config.poolSize}; libuv workers seen: backend ${m.libuvWorkers?.backend ?? '—'}, hash baseline ${m.libuvWorkers?.hashBaseline ?? '—'}; backend started with \`${Object.entries(m.backendStartEnv ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${m.backendLauncher ? `sh backend/${m.backendLauncher} ` : ''}node ${[...(m.backendNodeFlags ?? []), 'backend/dist/main.js'].join(' ')}\`, idle RSS ${fmt.int(m.backendIdleRssMiB)} MiB${m.backendIdleRssAfterS != null ? ` (${m.backendIdleRssAfterS} s after start)` : ''}.

${mdTable(COLS, rows(r))}

CPU µs/req: user+system time of the server process per request; DB CPU µs/req: of the PostgreSQL connection processes of the bench database. RSS: maximum sampled during the load.${a ? ` Raw argon2 verifies in process (no HTTP): ${fmt.int(a.verifiesPerSecond)}/s.` : ''}

${hashCpu.length ? `## Where a hashing request's CPU goes

${mdTable(HASH_CPU_COLS, hashCpu)}

` : ''}${memory.length ? `## Where the backend's memory is (end of each load's busiest round)

${mdTable(MEMORY_COLS, memory)}

${m.backendMalloc?.startsWith('jemalloc') ? "The backend ran on jemalloc (its start script's launcher): malloc's memory, argon2's blocks (ARGON2_MEMORY_KIB each while hashing) among it, is in the last column." : "Thread arenas are listed one by one: argon2's blocks (ARGON2_MEMORY_KIB each, one per hashing thread) live there."}

` : ''}${pauses.length ? `## What held each server's event loop (\`--pauses\`, all measured rounds)

${mdTable(PAUSE_COLS, pauses)}

A stall is a tick of a 5 ms timer that came 10 ms or more late (a long task, a collection, or the CPU taken away); every request in flight waited that long.

` : ''}## Targets

${mdTable([['name', 'target'], ['value', 'measured'], ['goal', 'goal'], ['met', '']], targetRows(r))}

Backend request errors in the whole run: ${r.summary.errors} (baselines: ${r.summary.baselineErrors ?? 0}).

## Query plans of the task list (EXPLAIN ANALYZE, a 100-task user)

${mdTable([['rows', 'rows in tasks'], ['session', 'session-active check'], ['page', 'task page + count']], planRows(r))}
${loginPlans(r)}`;
}

export function renderTable(r) {
  const data = rows(r).map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v).replace(/\*\*/g, '')])));
  const widths = COLS.map(([k, h]) => Math.max(h.length, ...data.map((d) => d[k].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(COLS.map((c) => c[1])), widths.map((w) => '-'.repeat(w)).join('  '), ...data.map((d) => line(COLS.map(([k]) => d[k])))];
  const mem = memoryRows(r);
  if (mem.length) {
    out.push('', "Where the backend's memory is (MiB, end of each load's busiest round):");
    for (const m of mem) {
      const malloc = m.glibc ? ` + thread arenas ${m.threads} + main arena ${m.main} + rest` : ' + jemalloc and rest';
      out.push(`  ${m.load.padEnd(12)} ${m.total.padStart(6)} = V8 ${m.v8} + node binary ${m.binary}${malloc} ${m.rest}`);
    }
  }
  const hashCpu = hashCpuRows(r);
  if (hashCpu.length) {
    out.push('', "Where a hashing request's CPU goes (µs per request):");
    for (const h of hashCpu) out.push(`  ${h.load.padEnd(12)} ${h.server.padEnd(8)} pool threads ${h.pool.padStart(7)}  rest of the process ${h.rest.padStart(6)}  PostgreSQL ${h.db.padStart(6)}`);
  }
  out.push('', 'Targets:');
  for (const t of targetRows(r)) out.push(`  ${t.met === 'met' ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value} (goal ${t.goal})`);
  out.push('', `Machine: ${machine(r)}`);
  return out.join('\n');
}
