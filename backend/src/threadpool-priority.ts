import { access } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

const TASKS = '/proc/self/task';

/**
 * Puts libuv's pool threads, where every argon2 hash runs, `increment` nice levels below the
 * process's own priority, so that on busy cores the event loop (and the database beside it) runs
 * first and a flood of sign-ins cannot starve the rest of the API. Hashing still gets every cycle
 * nothing else wants: with sign-ins alone the rate does not change.
 *
 * Linux keeps a nice value per thread, and `setpriority()` takes a thread id there; elsewhere this
 * does nothing. Relative to each thread's current value, so an already-niced process (or one
 * without CAP_SYS_NICE) never asks for a higher priority. Returns how many threads were lowered.
 */
export async function lowerThreadpoolPriority(increment: number): Promise<number> {
  if (increment <= 0 || process.platform !== 'linux') return 0;
  // libuv starts all of its pool threads with the first job: make sure they exist.
  await access(process.execPath);
  let lowered = 0;
  for (const tid of readdirSync(TASKS)) {
    try {
      if (readFileSync(`${TASKS}/${tid}/comm`, 'utf8').trim() !== 'libuv-worker') continue;
      const id = Number(tid);
      setPriority(id, Math.min(19, getPriority(id) + increment));
      lowered += 1;
    } catch {
      // A thread that ended meanwhile, or a sandbox without /proc: an optimisation, never a failure.
    }
  }
  return lowered;
}
