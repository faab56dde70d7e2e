// Preloaded into each server (backend or baseline) by `npm run bench -- --pauses` (node --import):
// writes every garbage collection and every event-loop stall of the process to BENCH_PAUSES_FILE, one
// JSON line each with its wall-clock time, so the runner can tell what stopped the server inside
// each measured round; and once a second V8's spaces (resident and used MiB), so it can tell which
// generation a load grew the heap in.
// A measuring instrument, not product code: it only observes (a 5 ms timer, V8's own GC entries and
// its heap statistics).
import { appendFileSync } from 'node:fs';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_PAUSES_FILE;
const KIND = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};
// A tick of this timer that comes this much later than due means the loop was held (by a long task,
// a collection, or the CPU being taken away): the requests in flight waited that long.
const TICK_MS = 5;
const STALL_MS = 10;

let lines = [];
const flush = () => {
  if (lines.length === 0) return;
  appendFileSync(file, lines.join(''));
  lines = [];
};
if (file) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      lines.push(`${JSON.stringify({ at: performance.timeOrigin + e.startTime, gc: KIND[e.detail?.kind] ?? String(e.detail?.kind), ms: e.duration })}\n`);
    }
  }).observe({ entryTypes: ['gc'] });
  let due = performance.now() + TICK_MS;
  setInterval(() => {
    const now = performance.now();
    const late = now - due;
    if (late >= STALL_MS) lines.push(`${JSON.stringify({ at: performance.timeOrigin + now - late, stall: true, ms: late })}\n`);
    due = now + TICK_MS;
  }, TICK_MS).unref();
  // Resident and used MiB per space: with a 16 MiB nursery the young generation alone holds ~30.
  const mib = (n) => Math.round((n / 1048576) * 10) / 10;
  setInterval(() => {
    const spaces = {};
    for (const s of getHeapSpaceStatistics()) if (s.physical_space_size > 0) spaces[s.space_name.replace('_space', '')] = [mib(s.physical_space_size), mib(s.space_used_size)];
    lines.push(`${JSON.stringify({ at: performance.timeOrigin + performance.now(), spaces })}\n`);
  }, 1000).unref();
  // The runner reads the file right after each round: a quarter of a second is its wait.
  setInterval(flush, 200).unref();
  process.on('exit', flush);
}
