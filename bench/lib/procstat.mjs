import { readFileSync, readdirSync } from 'node:fs';
import { run } from './util.mjs';

let clkTck = 100;
export async function initProcStat() {
  const r = await run('getconf', ['CLK_TCK'], { allowFail: true });
  const n = Number(r.out.trim());
  if (n > 0) clkTck = n;
}

/** Fields 3… of /proc/<pid>/stat, or of one thread's /proc/<pid>/task/<tid>/stat (f[0] is field 3); null if unreadable. */
function statFields(pid, tid) {
  try {
    const s = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces; everything after the last ')' is space-separated from field 3.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** user+system CPU of a whole process (all threads), in microseconds; null if unreadable. */
export function cpuMicros(pid) {
  const f = statFields(pid);
  return f ? cpuOf(f) : null;
}

/** utime + stime of stat fields, in microseconds. */
const cpuOf = (f) => ((Number(f[11]) + Number(f[12])) * 1e6) / clkTck;

/** Minor page faults of `pid` so far (memory first touched, or touched again after it was given back). */
export function minorFaults(pid) {
  const f = statFields(pid);
  return f ? Number(f[7]) : null;
}

export function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * user+system CPU of the threads of libuv's pool (argon2 runs there), in microseconds: the rest of
 * the process's CPU is the event loop's and V8's helpers'. Threads that ended are not counted.
 */
export function poolCpuMicros(pid) {
  const tids = libuvThreadIds(pid);
  if (tids === null) return null;
  let sum = 0;
  for (const tid of tids) {
    const f = statFields(pid, tid); // null: a thread that ended meanwhile
    if (f) sum += cpuOf(f);
  }
  return sum;
}

/** Thread ids of the threads libuv named for its pool; null if the process cannot be read. */
function libuvThreadIds(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).filter((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim() === 'libuv-worker';
      } catch {
        return false; // a thread that ended meanwhile
      }
    });
  } catch {
    return null;
  }
}

/** How many threads libuv runs in its pool: tells which threadpool size a process really has. */
export function libuvWorkers(pid) {
  return libuvThreadIds(pid)?.length ?? null;
}

/** How many nice levels below the process's main thread its libuv pool threads run (null: none). */
export function libuvNiceIncrement(pid) {
  const [first] = libuvThreadIds(pid) ?? [];
  const pool = first === undefined ? null : statFields(pid, first);
  const main = statFields(pid, pid);
  return pool && main ? Number(pool[16]) - Number(main[16]) : null;
}

/** Samples VmRSS of `pid` while a load runs. */
export function rssSampler(pid, everyMs = 200) {
  const samples = [];
  const take = () => {
    const v = rssKiB(pid);
    if (v != null) samples.push(v);
  };
  take();
  const t = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(t);
      take();
      if (samples.length === 0) return { maxMiB: null, avgMiB: null };
      const max = Math.max(...samples);
      const avg = samples.reduce((a, b) => a + b, 0) / samples.length;
      return { maxMiB: max / 1024, avgMiB: avg / 1024 };
    },
  };
}

/** CPU snapshot of a set of pids; `since(prev)` sums the deltas (pids new since then count fully). */
export function cpuSnapshot(pids) {
  const snap = new Map();
  for (const pid of pids) {
    const v = cpuMicros(pid);
    if (v != null) snap.set(pid, v);
  }
  return snap;
}

export function cpuDelta(before, after) {
  let sum = 0;
  for (const [pid, v] of after) sum += v - (before.get(pid) ?? 0);
  return sum;
}
