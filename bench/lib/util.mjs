import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT_DIR = resolve(BENCH_DIR, '..');
export const BACKEND_DIR = resolve(ROOT_DIR, 'backend');

// The measuring instruments use the exact driver/hash builds the backend ships with, so they are
// resolved from the backend workspace rather than declared a second time.
const backendRequire = createRequire(resolve(BACKEND_DIR, 'package.json'));

export async function importFromBackend(name) {
  const mod = await import(pathToFileURL(backendRequire.resolve(name)).href);
  return mod.default ?? mod;
}

export function hasBackendModule(name) {
  try {
    backendRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export async function waitForHttp(url, { timeoutMs = 60_000, proc, okStatus = (s) => s < 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`${url}: process exited with code ${proc.exitCode} before it answered`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (okStatus(r.status)) return r.status;
      last = `status ${r.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(150);
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms (${last})`);
}

/** Runs a command to completion, collecting output; rejects on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('close', (code) => {
      if (code === 0 || opts.allowFail) res({ code, out, err });
      else rej(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${err || out}`));
    });
  });
}

export async function which(cmd) {
  const r = await run('sh', ['-c', `command -v ${cmd}`], { allowFail: true });
  return r.code === 0 ? r.out.trim() : null;
}

/** Starts a long-running child whose stderr/stdout are kept (tail) for error reports. */
export function startProcess(name, cmd, args, { env, cwd } = {}) {
  const p = spawn(cmd, args, { cwd: cwd ?? ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const keep = (d) => {
    for (const line of String(d).split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 60) tail.shift();
    }
  };
  p.stdout.on('data', keep);
  p.stderr.on('data', keep);
  p.benchName = name;
  p.tail = tail;
  return p;
}

export async function stopProcess(p, timeoutMs = 5000) {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

export const fmt = {
  int: (n) => (n == null || Number.isNaN(n) ? '—' : Math.round(n).toLocaleString('en-US')),
  num: (n, d = 1) => (n == null || Number.isNaN(n) ? '—' : n.toFixed(d)),
  ms: (us) => (us == null ? '—' : (us / 1000).toFixed(us < 10_000 ? 2 : 1)),
  ratio: (r) => (r == null || Number.isNaN(r) ? '—' : `${r.toFixed(2)}×`),
  pct: (r) => (r == null || Number.isNaN(r) ? '—' : `${Math.round(r * 100)} %`),
};
