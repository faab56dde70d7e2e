import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./threadpool-priority.ts', import.meta.url));

/** Runs lowerThreadpoolPriority in a fresh Node (Jest's own threads stay as they are) and reports the nice values. */
function runInChild(increments: number[]): { lowered: number[]; pool: number[][]; main: number[] } {
  const script = `
    const { lowerThreadpoolPriority } = await import(${JSON.stringify(SOURCE)});
    const { readdirSync, readFileSync } = await import('node:fs');
    const { getPriority } = await import('node:os');
    const pool = () => readdirSync('/proc/self/task')
      .filter((t) => readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim() === 'libuv-worker')
      .map((t) => getPriority(Number(t)));
    await (await import('node:fs/promises')).access(process.execPath);
    const out = { lowered: [], pool: [pool()], main: [getPriority(process.pid)] };
    for (const n of ${JSON.stringify(increments)}) {
      out.lowered.push(await lowerThreadpoolPriority(n));
      out.pool.push(pool());
      out.main.push(getPriority(process.pid));
    }
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '3', NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

describe('lowerThreadpoolPriority', () => {
  it('lowers every pool thread by the increment, capped at 19, and leaves the event loop alone', () => {
    const { lowered, pool, main } = runInChild([3, 0, 30]);
    if (process.platform !== 'linux') {
      expect(lowered).toEqual([0, 0, 0]);
      return;
    }
    const start = main[0];
    expect(pool[0]).toEqual([start, start, start]);
    expect(lowered).toEqual([3, 0, 3]);
    expect(pool[1]).toEqual([start + 3, start + 3, start + 3]);
    expect(pool[2]).toEqual(pool[1]);
    expect(pool[3]).toEqual([19, 19, 19]);
    expect(main).toEqual([start, start, start, start]);
  });
});
