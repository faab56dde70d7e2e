// Where a running Node process's resident memory is, from /proc/<pid>/smaps (Linux; needs the right
// to read the process's maps: the same user, or root). Used by the runner after each backend load
// and by `node bench/tools/memory-map.mjs <pid>`.
// The kinds are told apart by how their owners map memory, which is a heuristic, named per row:
// V8 allocates its heap in 256 KiB pages; glibc gives every non-main arena a heap aligned to 64 MiB
// (its HEAP_MAX_SIZE) and keeps the main arena in [heap]; argon2's 19 MiB blocks live in those arenas.
// Under jemalloc (preloaded by backend/scripts/with-jemalloc.sh) malloc's memory is plain anonymous
// mappings, counted with the other anonymous memory, and `malloc` says so.
import { readFileSync, readlinkSync } from 'node:fs';

const V8_PAGE = 256 * 1024;
const JEMALLOC_LIBRARY = /\/(libjemalloc[^/\s]*)$/;

/** Which malloc a process runs on: `jemalloc (<its library>)` when that is mapped, else `glibc`. */
export function mallocOf(pid) {
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const lib = JEMALLOC_LIBRARY.exec(line)?.[1];
      if (lib) return `jemalloc (${lib})`;
    }
    return 'glibc';
  } catch {
    return 'unknown';
  }
}
const ARENA_ALIGN = 64 * 1024 * 1024;

/**
 * RSS of `pid` by owner: `kinds` (MiB, largest first; `n` mappings each) and glibc's `arenas` (the
 * main one as `[heap]`, thread arenas by address). Null when the process is gone or unreadable.
 */
export function memoryMap(pid) {
  let exePath, smaps;
  try {
    // The executable's own mappings carry its resolved path, which /proc/<pid>/exe names exactly.
    exePath = readlinkSync(`/proc/${pid}/exe`);
    smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  const maps = [];
  let cur;
  for (const line of smaps.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = { start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perm: head[3], name: head[4], rss: 0, anon: 0 };
      maps.push(cur);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (field && cur) cur[field[1] === 'Rss' ? 'rss' : 'anon'] += Number(field[2]);
  }

  const kinds = new Map();
  const add = (kind, kib) => {
    const r = kinds.get(kind) ?? { kib: 0, n: 0 };
    r.kib += kib;
    r.n += 1;
    kinds.set(kind, r);
  };
  const arenas = [];
  const malloc = maps.some((m) => JEMALLOC_LIBRARY.test(m.name)) ? 'jemalloc' : 'glibc';
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
    } else if (m.name === '[heap]' && malloc === 'glibc') {
      add('glibc main arena ([heap])', m.anon);
      arenas.push({ where: '[heap]', kib: m.anon });
    } else if (m.name.startsWith('[')) {
      add(`${m.name}`, m.rss);
    } else if (size === V8_PAGE) {
      add('V8 heap pages (256 KiB mappings)', m.anon);
    } else if (m.perm.includes('x')) {
      add('V8 code range (rwx)', m.anon);
    } else if (malloc === 'glibc' && m.start % BigInt(ARENA_ALIGN) === 0n && size <= ARENA_ALIGN) {
      add('glibc thread arenas (64 MiB-aligned heaps)', m.anon);
      arenas.push({ where: `0x${m.start.toString(16)}`, kib: m.anon });
    } else if (malloc === 'jemalloc') {
      add('jemalloc and other anonymous (V8 large objects, thread stacks, buffers)', m.anon);
    } else {
      add('other anonymous (V8 large objects, thread stacks, buffers)', m.anon);
    }
  }
  const mib = (kib) => Math.round((kib / 1024) * 10) / 10;
  const totalKiB = [...kinds.values()].reduce((s, r) => s + r.kib, 0);
  return {
    pid,
    exe: exePath,
    malloc,
    totalMiB: mib(totalKiB),
    kinds: [...kinds].sort((a, b) => b[1].kib - a[1].kib).map(([kind, r]) => ({ kind, mib: mib(r.kib), n: r.n })),
    arenas: arenas.map((a) => ({ where: a.where, mib: mib(a.kib) })),
  };
}
