// Where a running Node process's resident memory is, from /proc/<pid>/smaps (Linux; needs the right
// to read the process's maps: the same user, or root). Run it while the load is on:
//   node bench/tools/memory-map.mjs <pid>
// The kinds are told apart by how their owners map memory, which is a heuristic, named per row:
// V8 allocates its heap in 256 KiB pages; glibc gives every non-main arena a heap aligned to 64 MiB
// (its HEAP_MAX_SIZE) and keeps the main arena in [heap]; argon2's 19 MiB blocks live in those arenas.
import { readFileSync, readlinkSync } from 'node:fs';

const pid = process.argv[2];
if (!/^\d+$/.test(pid ?? '')) {
  process.stderr.write('usage: node bench/tools/memory-map.mjs <pid>\n');
  process.exit(2);
}

const V8_PAGE = 256 * 1024;
const ARENA_ALIGN = 64 * 1024 * 1024;
// The executable's own mappings carry its resolved path, which /proc/<pid>/exe names exactly.
const exePath = readlinkSync(`/proc/${pid}/exe`);

const maps = [];
let cur;
for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
  const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (head) {
    cur = { start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perm: head[3], name: head[4], rss: 0, anon: 0 };
    maps.push(cur);
    continue;
  }
  const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
  if (field && cur) cur[field[1] === 'Rss' ? 'rss' : 'anon'] += Number(field[2]);
}

const rows = new Map();
const add = (kind, kib) => {
  const r = rows.get(kind) ?? { kib: 0, n: 0 };
  r.kib += kib;
  r.n += 1;
  rows.set(kind, r);
};
const arenas = [];
for (const m of maps) {
  if (m.rss === 0) continue;
  const size = Number(m.end - m.start);
  const fileKiB = m.rss - m.anon;
  if (m.name === exePath) {
    const part = m.perm.includes('x') ? 'code' : m.perm.includes('w') ? 'data' : 'read-only data';
    if (fileKiB) add(`executable ${part} (file pages)`, fileKiB);
    if (m.anon) add('executable, written (data, relocations)', m.anon);
  } else if (m.name.startsWith('/')) {
    add('shared libraries and native addons (file pages)', fileKiB);
    if (m.anon) add('shared libraries and native addons, written', m.anon);
  } else if (m.name === '[heap]') {
    add('glibc main arena ([heap])', m.anon);
    arenas.push({ where: '[heap]', kib: m.anon });
  } else if (m.name.startsWith('[')) {
    add(`${m.name}`, m.rss);
  } else if (size === V8_PAGE) {
    add('V8 heap pages (256 KiB mappings)', m.anon);
  } else if (m.perm.includes('x')) {
    add('V8 code range (rwx)', m.anon);
  } else if (m.start % BigInt(ARENA_ALIGN) === 0n && size <= ARENA_ALIGN) {
    add('glibc thread arenas (64 MiB-aligned heaps)', m.anon);
    arenas.push({ where: `0x${m.start.toString(16)}`, kib: m.anon });
  } else {
    add('other anonymous (V8 large objects, thread stacks, buffers)', m.anon);
  }
}

const mib = (kib) => (kib / 1024).toFixed(1).padStart(7);
const total = [...rows.values()].reduce((s, r) => s + r.kib, 0);
process.stdout.write(`RSS of ${pid} (${exePath}): ${mib(total).trim()} MiB\n`);
for (const [kind, r] of [...rows].sort((a, b) => b[1].kib - a[1].kib)) {
  if (r.kib >= 512) process.stdout.write(`${mib(r.kib)} MiB  ${kind}${r.n > 1 ? ` ×${r.n}` : ''}\n`);
}
if (arenas.length) {
  process.stdout.write(`glibc arenas: ${arenas.filter((a) => a.kib >= 1024).map((a) => `${a.where} ${mib(a.kib).trim()}`).join(', ')} MiB\n`);
}
