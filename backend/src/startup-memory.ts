/**
 * Hands back to the OS what booting left behind. Compiling modules, building the DI container and
 * the OpenAPI document allocate fast enough to grow V8's young generation to its cap
 * (`--max-semi-space-size`), and V8 keeps it committed: an idle server held ~35 MiB it did not need.
 * A low-memory collection — the one V8 runs under memory pressure — shrinks the young generation
 * back to its initial size and returns the old generation's garbage; the young generation grows
 * again only under a load that allocates fast enough to need it.
 *
 * Runs it through an in-process inspector session (no port is opened; no `--expose-gc` global for
 * every dependency to call). Returns false, having done nothing, on a Node built without the
 * inspector: this is an optimisation, never a reason not to start.
 */
export async function releaseStartupMemory(): Promise<boolean> {
  let session: import('node:inspector/promises').Session;
  try {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
  } catch {
    return false;
  }
  try {
    await session.post('HeapProfiler.collectGarbage');
    return true;
  } finally {
    session.disconnect();
  }
}
