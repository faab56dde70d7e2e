// The fallback load generator, for machines without wrk: the same four scenario kinds as
// bench/lua/*.lua, with the same semantics (token cycling, one client address per virtual client,
// refresh chains taken from and returned to a pool), printing the same BENCH_JSON summary.
// Runs in its own process so it never competes with the runner's samplers on one event loop.
// Usage (by lib/loadgen.mjs): node autocannon-driver.mjs '<json spec>'
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT_DIR } from './util.mjs';

export function resolveAutocannon() {
  for (const base of [process.env.BENCH_AUTOCANNON_DIR, ROOT_DIR, resolve(ROOT_DIR, 'backend')].filter(Boolean)) {
    try {
      return createRequire(resolve(base, 'package.json')).resolve('autocannon');
    } catch {}
  }
  return null;
}

// Same address scheme as lua/common.lua (benchmarking range 198.18.0.0/15).
const clientIp = (n) => {
  n %= 131072;
  return `198.${18 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
};
const lines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

function scenario(kind, args) {
  const statuses = {};
  const extra = {};
  const count = (status) => (statuses[status] = (statuses[status] ?? 0) + 1);
  const onResponse = (status) => count(status);
  const json = { 'content-type': 'application/json' };
  if (kind === 'get') {
    const [file, path] = args;
    const tokens = lines(file);
    let i = 0;
    return {
      statuses, extra,
      requests: [{
        method: 'GET', path, onResponse,
        setupRequest: (req) => {
          const k = i++ % tokens.length;
          return { ...req, headers: { authorization: `Bearer ${tokens[k]}`, 'x-forwarded-for': clientIp(k) } };
        },
      }],
    };
  }
  if (kind === 'login') {
    const [file, password, path] = args;
    const emails = lines(file);
    let i = 0;
    return {
      statuses, extra,
      requests: [{
        method: 'POST', path, onResponse,
        setupRequest: (req) => {
          const k = i++ % emails.length;
          return { ...req, headers: { ...json, 'x-forwarded-for': clientIp(k) }, body: JSON.stringify({ email: emails[k], password }) };
        },
      }],
    };
  }
  if (kind === 'register') {
    const [prefix, password, path] = args;
    let n = 0;
    return {
      statuses, extra,
      requests: [{
        method: 'POST', path, onResponse,
        setupRequest: (req) => {
          n++;
          return { ...req, headers: { ...json, 'x-forwarded-for': clientIp(n) }, body: JSON.stringify({ email: `${prefix}-a-${n}@bench.test`, password, name: 'Bench' }) };
        },
      }],
    };
  }
  if (kind === 'refresh') {
    const [file, path] = args;
    const pool = lines(file);
    extra.lost = 0;
    extra.empty = 0;
    let n = 0;
    return {
      statuses, extra,
      requests: [{
        method: 'POST', path,
        setupRequest: (req) => {
          let token = pool.shift();
          if (token === undefined) {
            extra.empty++;
            token = 'pool-exhausted';
          }
          n++;
          return { ...req, headers: { ...json, 'x-forwarded-for': clientIp(n % 1024) }, body: JSON.stringify({ refresh_token: token }) };
        },
        onResponse: (status, body) => {
          count(status);
          let next;
          if (status === 200) {
            try {
              next = JSON.parse(body).refresh_token;
            } catch {}
          }
          if (next) pool.push(next);
          else extra.lost++;
        },
      }],
    };
  }
  throw new Error(`unknown scenario kind ${kind}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spec = JSON.parse(process.argv[2]);
  const path = resolveAutocannon();
  if (!path) throw new Error('autocannon is not installed');
  const autocannon = createRequire(import.meta.url)(path);
  const sc = scenario(spec.kind, spec.args);
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: spec.timeoutSeconds ?? 10,
    requests: sc.requests,
  });
  const us = (ms) => Math.round(ms * 1000);
  const out = {
    requests: result.requests.total,
    duration_us: Math.round(result.duration * 1e6),
    bytes: result.throughput.total,
    socket_errors: { connect: 0, read: Math.max(0, result.errors - result.timeouts), write: 0, timeout: result.timeouts },
    status_errors: result.non2xx,
    latency_us: { p50: us(result.latency.p50), p90: us(result.latency.p90), p99: us(result.latency.p99), max: us(result.latency.max), mean: result.latency.mean * 1000 },
    statuses: sc.statuses,
    extra: sc.extra,
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(out)}\n`);
}
