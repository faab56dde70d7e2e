// Tells whether V8 has pretenured the array an EventEmitter allocates for an event's second listener
// (`[existing, listener]` in node:events' _addListener), in a running Node process: the cause of the
// backend's "slow state" (BENCHMARKS.md, thirteenth session). Once that allocation site is tenured,
// the listener arrays of every request's emitters are allocated in the old generation, where they
// outlive their request until the next mark-compact and keep its young objects (through the
// listeners' closures) alive across scavenges: whole requests get promoted.
//
// Usage: node bench/tools/listener-array-probe.mjs <pid>
// Opens the process's inspector with SIGUSR1 (127.0.0.1:9229; Linux/macOS), evaluates a probe in it
// — 4 000 emitters given a second listener, five times, the heap's old and young generation compared
// before and after each batch — and prints where the arrays went. A measuring instrument: it
// allocates ~2 MB in the target, changes nothing else, and leaves the inspector open.
import { openInspector } from '../lib/inspector.mjs';

const pid = Number(process.argv[2]);
if (!Number.isInteger(pid) || pid <= 0) {
  process.stderr.write('usage: node bench/tools/listener-array-probe.mjs <pid>\n');
  process.exit(2);
}

const PROBE = `(() => {
  const { EventEmitter } = process.getBuiltinModule('node:events');
  const { getHeapSpaceStatistics } = process.getBuiltinModule('node:v8');
  const used = () => Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  const first = () => {};
  const second = () => {};
  const batches = [];
  for (let b = 0; b < 5; b++) {
    const emitters = [];
    for (let i = 0; i < 4000; i++) {
      const e = new EventEmitter();
      e.on('x', first);
      emitters.push(e);
    }
    const before = used();
    for (const e of emitters) e.on('x', second);
    const after = used();
    batches.push({ oldKiB: (after.old_space - before.old_space) / 1024, youngKiB: (after.new_space - before.new_space) / 1024 });
  }
  return batches;
})()`;

process.kill(pid, 'SIGUSR1');
const inspector = await openInspector(9229, { waitMs: 5000 });
const { result } = await inspector.call('Runtime.evaluate', { expression: PROBE, returnByValue: true });
inspector.close();
const batches = result?.result?.value;
if (!Array.isArray(batches)) throw new Error(`probe failed: ${JSON.stringify(result)}`);

// A batch with a scavenge in it shows the young generation shrinking: it tells nothing, so it is
// left out. In the others the ~400 KiB of arrays land wholly in one generation.
const clean = batches.filter((b) => b.youngKiB >= 0 && b.oldKiB >= 0);
const tenured = clean.filter((b) => b.oldKiB > b.youngKiB).length;
for (const b of batches) console.log(`old ${b.oldKiB.toFixed(0).padStart(5)} KiB, young ${b.youngKiB.toFixed(0).padStart(6)} KiB`);
console.log(
  clean.length === 0
    ? 'undecided: every batch had a scavenge in it; run it again'
    : tenured * 2 > clean.length
      ? 'TENURED: second-listener arrays are allocated in the old generation (the slow state)'
      : 'young: second-listener arrays are allocated in the young generation (the usual state)',
);
