import { getHeapSpaceStatistics } from 'node:v8';
import { releaseStartupMemory } from './startup-memory.js';

const MiB = 1024 * 1024;
const youngGenerationSize = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size;

/** Allocates like a booting app: objects that survive a few scavenges make V8 grow its nursery. */
function allocateLikeABoot(): void {
  let live: object[][] = [];
  for (let i = 0; i < 40; i++) {
    live.push(Array.from({ length: 50_000 }, (_, j) => ({ j })));
    if (live.length > 4) live.shift();
  }
  live = [];
}

describe('releaseStartupMemory', () => {
  it('shrinks a young generation that booting grew back to a couple of MiB', async () => {
    allocateLikeABoot();
    expect(youngGenerationSize()).toBeGreaterThan(8 * MiB);
    await expect(releaseStartupMemory()).resolves.toBe(true);
    expect(youngGenerationSize()).toBeLessThanOrEqual(2 * MiB);
  });

  it('can run again (each call opens and closes its own inspector session)', async () => {
    await expect(releaseStartupMemory()).resolves.toBe(true);
    await expect(releaseStartupMemory()).resolves.toBe(true);
  });
});
