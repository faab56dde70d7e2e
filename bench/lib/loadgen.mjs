// One load generator for every scenario and baseline of a run: wrk (Lua-scripted) when present,
// else autocannon (lib/autocannon-driver.mjs, same scenarios and output).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveAutocannon } from './autocannon-driver.mjs';
import { BENCH_DIR, run, which } from './util.mjs';

const LUA_DIR = resolve(BENCH_DIR, 'lua');

async function ensureWrk(log) {
  let path = await which('wrk');
  if (path) return path;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = await which('apt-get');
  if (apt && isRoot && process.env.BENCH_NO_APT !== '1') {
    log('wrk not found: installing it with apt-get (Debian package "wrk")…');
    await run('apt-get', ['install', '-y', '-qq', 'wrk'], { allowFail: true });
    path = await which('wrk');
    if (!path) {
      await run('apt-get', ['update', '-qq'], { allowFail: true });
      await run('apt-get', ['install', '-y', '-qq', 'wrk'], { allowFail: true });
      path = await which('wrk');
    }
  }
  return path;
}

/** Picks the load generator: wrk (installed on demand where apt works), else autocannon. */
export async function chooseLoadGenerator(prefer, log) {
  if (prefer !== 'autocannon') {
    const path = await ensureWrk(log);
    if (path) {
      const r = await run(path, ['-v'], { allowFail: true });
      return { kind: 'wrk', path, version: (r.out + r.err).split('\n')[0].replace(/Copyright.*/, '').trim() };
    }
  }
  const ac = resolveAutocannon();
  if (ac) {
    let version = '';
    for (let dir = dirname(ac); dir !== dirname(dir); dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8'));
        if (pkg.name === 'autocannon') {
          version = pkg.version;
          break;
        }
      } catch {}
    }
    return { kind: 'autocannon', version: `autocannon ${version}` };
  }
  return null;
}

/** Runs one load with whichever generator was chosen; same summary shape from both. */
export function runLoad(gen, spec) {
  if (gen.kind === 'wrk') return runWrk(gen.path, spec);
  const driver = resolve(BENCH_DIR, 'lib/autocannon-driver.mjs');
  return collect(process.execPath, [driver, JSON.stringify(spec)], process.env);
}

/**
 * kind: get | login | register | refresh (the Lua script); args: the script's arguments.
 * Returns the parsed summary (requests, duration, latency percentiles in µs, statuses).
 */
function runWrk(wrkPath, { url, kind, args, threads, connections, seconds, timeoutSeconds = 10 }) {
  const argv = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', `${timeoutSeconds}s`,
    '-s', resolve(LUA_DIR, `${kind}.lua`), url, '--', ...args.map(String), String(threads)];
  return collect(wrkPath, argv, { ...process.env, BENCH_LUA_DIR: LUA_DIR });
}

function collect(cmd, argv, env) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) return rej(new Error(`load generator failed (exit ${code}): ${err || out}`));
      const r = JSON.parse(line.slice('BENCH_JSON '.length));
      const sock = r.socket_errors;
      const non2xx = Object.entries(r.statuses).reduce((a, [s, n]) => a + (Number(s) >= 300 ? n : 0), 0);
      res({
        requests: r.requests,
        ok: Object.entries(r.statuses).reduce((a, [st, n]) => a + (Number(st) < 300 ? n : 0), 0),
        seconds: r.duration_us / 1e6,
        rps: r.requests / (r.duration_us / 1e6),
        p50us: r.latency_us.p50,
        p90us: r.latency_us.p90,
        p99us: r.latency_us.p99,
        maxus: r.latency_us.max,
        statuses: r.statuses,
        errors: non2xx + sock.connect + sock.read + sock.write + sock.timeout,
        socketErrors: sock,
        extra: r.extra,
      });
    });
  });
}
