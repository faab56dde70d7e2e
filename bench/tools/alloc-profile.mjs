// Allocation profile of a running Node process, garbage included (what `--heap-prof` leaves out):
// connects to its inspector (`node --inspect=127.0.0.1:<port> …`), samples allocations for N seconds
// while you put load on it, and prints bytes allocated by package and by function.
// Usage: node bench/tools/alloc-profile.mjs <inspector-port> <seconds> [top=25]
import { openInspector } from '../lib/inspector.mjs';

const [port, seconds, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const { call, close } = await openInspector(port);

await call('HeapProfiler.enable');
await call('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
const { result } = await call('HeapProfiler.stopSampling');
close();

const where = (cf) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(cf.url || '');
  if (m) return m[1];
  if ((cf.url || '').includes('/backend/dist/')) return 'backend';
  if ((cf.url || '').startsWith('node:')) return `node:${cf.url.slice(5).split('/')[0]}`;
  return cf.url ? 'other' : `(${cf.functionName || 'native'})`;
};
const byPkgSelf = new Map();
const byPkgIncl = new Map();
const byFn = new Map();
let total = 0;
const walk = (node, stack) => {
  const cf = node.callFrame;
  const pkg = where(cf);
  const here = [...stack, pkg];
  if (node.selfSize > 0) {
    total += node.selfSize;
    byPkgSelf.set(pkg, (byPkgSelf.get(pkg) ?? 0) + node.selfSize);
    for (const p of new Set(here)) byPkgIncl.set(p, (byPkgIncl.get(p) ?? 0) + node.selfSize);
    const key = `${cf.functionName || '(anonymous)'} ${pkg}:${cf.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + node.selfSize);
  }
  for (const c of node.children ?? []) walk(c, here);
};
walk(result.profile.head, []);
const mb = (b) => `${(b / 1048576).toFixed(1).padStart(7)} MB ${((100 * b) / total).toFixed(1).padStart(5)} %`;
const show = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, b] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mb(b)}  ${k}`);
};
console.log(`allocated (sampled estimate): ${(total / 1048576).toFixed(1)} MB in ${seconds} s`);
show('allocated by package (self)', byPkgSelf);
show('allocated by package (inclusive)', byPkgIncl);
show('allocated by function (self)', byFn);
