import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export default async function globalTeardown() {
  killLeftovers(process.env.TEST_CHILDREN_DIR);
  await globalThis.__EMBEDDED_POSTGRES__?.stop();
}

/**
 * Kills the processes a suite started and left running (listed by test/cluster/support/cluster.ts,
 * each with its start time: a pid reused since by another process is left alone), and says so.
 */
function killLeftovers(dir) {
  if (!dir) return;
  const killed = [];
  for (const pid of readdirSync(dir)) {
    let started;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    } catch {
      continue; // gone
    }
    if (started !== readFileSync(join(dir, pid), 'utf8')) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (killed.length) console.warn(`global teardown: killed ${killed.length} process(es) a suite left running (pids ${killed.join(', ')})`);
}
