// One load generator for every scenario and baseline of a run: wrk (Lua-scripted) when present.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BENCH_DIR, run, which } from './util.mjs';

const LUA_DIR = resolve(BENCH_DIR, 'lua');

export async function ensureWrk(log) {
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

export async function wrkVersion(path) {
  const r = await run(path, ['-v'], { allowFail: true });
  return (r.out + r.err).split('\n')[0].trim();
}

/**
 * kind: get | login | register | refresh (the Lua script); args: the script's arguments.
 * Returns the parsed summary (requests, duration, latency percentiles in µs, statuses).
 */
export function runWrk(wrkPath, { url, kind, args, threads, connections, seconds, timeoutSeconds = 10 }) {
  const argv = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', `${timeoutSeconds}s`,
    '-s', resolve(LUA_DIR, `${kind}.lua`), url, '--', ...args.map(String), String(threads)];
  return new Promise((res, rej) => {
    const p = spawn(wrkPath, argv, { env: { ...process.env, BENCH_LUA_DIR: LUA_DIR }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) return rej(new Error(`wrk failed (exit ${code}): ${err || out}`));
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
