import { Session } from 'node:inspector/promises';

/**
 * Hands back to the OS what booting left behind. Compiling modules, building the DI container and
 * the OpenAPI document allocate fast enough to grow V8's young generation to its cap
 * (`--max-semi-space-size`), and V8 keeps it committed: an idle server held ~35 MiB it did not need.
 * A low-memory collection — the same one V8 runs under memory pressure — shrinks the young
 * generation back to its initial size and returns the garbage of the old one; the young generation
 * grows again only under a load that allocates fast enough to need it.
 *
 * Uses an in-process inspector session (no port is opened), so no `--expose-gc` global is needed.
 */
export async function releaseStartupMemory(): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}
