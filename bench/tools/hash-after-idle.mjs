// How long one sign-in's argon2 hash takes when sign-ins come seconds apart, and the RSS before it:
// what an allocator that hands an idle hashing thread's block back to the kernel (jemalloc's decay,
// ~10 s) costs the next sign-in, which faults the block in again. Run it through the backend's
// launcher so it gets the backend's allocator, and once more with glibc's to compare:
//   sh backend/scripts/with-jemalloc.sh node bench/tools/hash-after-idle.mjs [gap-seconds=15] [hashes=5]
//   LD_PRELOAD= sh backend/scripts/with-jemalloc.sh node bench/tools/hash-after-idle.mjs 15
// The cost (ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM) and the pool size
// (UV_THREADPOOL_SIZE: one thread per core, at least two) default to the backend's.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { mallocOf } from '../lib/memory-map.mjs';

// Before the first piece of threadpool work: libuv reads it once, when the pool starts.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, os.availableParallelism()));
const { importFromBackend } = await import('../lib/util.mjs');
const argon2 = await importFromBackend('argon2');

const [gapArg = '15', countArg = '5'] = process.argv.slice(2);
const gapMs = Number(gapArg) * 1000;
const count = Number(countArg);
if (!(gapMs >= 0) || !(count >= 1)) {
  process.stderr.write('usage: node bench/tools/hash-after-idle.mjs [gap-seconds=15] [hashes=5]\n');
  process.exit(2);
}
const options = {
  type: argon2.argon2id,
  memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
  timeCost: Number(process.env.ARGON2_TIME_COST ?? 2),
  parallelism: Number(process.env.ARGON2_PARALLELISM ?? 1),
};
const rssMiB = () => process.memoryUsage.rss() / 2 ** 20;
const malloc = mallocOf(process.pid);

// Every thread of the pool hashes once, at once, as under a burst of sign-ins.
const threads = Number(process.env.UV_THREADPOOL_SIZE);
await Promise.all(Array.from({ length: threads }, (_, i) => argon2.hash(`burst-${i}`, options)));
process.stdout.write(`malloc ${malloc}; m=${options.memoryCost} KiB t=${options.timeCost} p=${options.parallelism}; ${threads} pool threads; one hash every ${gapArg} s\n`);

const times = [];
for (let i = 0; i < count; i++) {
  await sleep(gapMs);
  const before = rssMiB();
  const t = performance.now();
  await argon2.hash(`after-idle-${i}`, options);
  times.push(performance.now() - t);
  process.stdout.write(`  hash ${i + 1}: ${times.at(-1).toFixed(1)} ms (RSS before it ${before.toFixed(0)} MiB)\n`);
}
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(`median ${sorted[sorted.length >> 1].toFixed(1)} ms, min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)}\n`);
