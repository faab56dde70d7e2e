// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time by function and by
// package, and inclusive time of chosen frames — enough to find what a hot path spends on.
// Usage: node bench/tools/cpuprofile-summary.mjs <file.cpuprofile> [top=25] [from-seconds=0] [to-seconds]
// (the window leaves out start-up and shutdown, so only the time under load is counted; idle is dropped.)
import { readFileSync } from 'node:fs';

const [file, topArg, skipArg, toArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const skipUs = Number(skipArg ?? 0) * 1e6;
const toUs = toArg === undefined ? Infinity : Number(toArg) * 1e6;
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTicks = new Map();
let t = 0;
let total = 0;
prof.samples.forEach((id, i) => {
  t += prof.timeDeltas[i];
  if (t < skipUs || t > toUs || byId.get(id).callFrame.functionName === '(idle)') return;
  selfTicks.set(id, (selfTicks.get(id) ?? 0) + 1);
  total++;
});

const where = (cf) => {
  const url = cf.url || '';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/backend/dist/')) return 'backend';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url ? 'other' : `(${cf.functionName || 'native'})`;
};

const fnSelf = new Map();
const pkgSelf = new Map();
for (const [id, t] of selfTicks) {
  const cf = byId.get(id).callFrame;
  const key = `${cf.functionName || '(anonymous)'} ${where(cf)}:${cf.lineNumber + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + t);
  pkgSelf.set(where(cf), (pkgSelf.get(where(cf)) ?? 0) + t);
}
// Inclusive time per package: a sample counts once for every package on its stack.
const pkgIncl = new Map();
for (const [id, t] of selfTicks) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) seen.add(where(byId.get(cur).callFrame));
  for (const p of seen) pkgIncl.set(p, (pkgIncl.get(p) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
const show = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
};
console.log(`${file}: ${total} busy samples in [${skipUs / 1e6} s, ${toUs / 1e6} s] (idle left out)`);
show('self time by package', pkgSelf);
show('inclusive time by package', pkgIncl);
show('self time by function', fnSelf);
