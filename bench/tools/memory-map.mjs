// Where a running Node process's resident memory is, by owner (the node binary's pages, V8's heap,
// glibc's arenas, …; bench/lib/memory-map.mjs names its heuristics). Run it while the load is on:
//   node bench/tools/memory-map.mjs <pid>
// The runner records the same split for every backend load (`memory` in latest.json).
import { memoryMap } from '../lib/memory-map.mjs';

const pid = process.argv[2];
if (!/^\d+$/.test(pid ?? '')) {
  process.stderr.write('usage: node bench/tools/memory-map.mjs <pid>\n');
  process.exit(2);
}
const map = memoryMap(pid);
if (!map) {
  process.stderr.write(`cannot read /proc/${pid}/smaps (no such process, or not allowed)\n`);
  process.exit(1);
}
const pad = (n) => n.toFixed(1).padStart(7);
process.stdout.write(`RSS of ${pid} (${map.exe}): ${map.totalMiB.toFixed(1)} MiB\n`);
for (const k of map.kinds) if (k.mib >= 0.5) process.stdout.write(`${pad(k.mib)} MiB  ${k.kind}${k.n > 1 ? ` ×${k.n}` : ''}\n`);
const arenas = map.arenas.filter((a) => a.mib >= 1);
if (arenas.length) process.stdout.write(`glibc arenas: ${arenas.map((a) => `${a.where} ${a.mib.toFixed(1)}`).join(', ')} MiB\n`);
