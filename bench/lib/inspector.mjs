// A connection to a running Node process's inspector (DevTools protocol over its WebSocket), for the
// measuring tools in bench/tools/. Retries the target list for `waitMs`, since an inspector opened
// with SIGUSR1 takes a moment to listen.

/** Connects to the first target of the inspector on 127.0.0.1:`port`; `call` answers by request id. */
export async function openInspector(port, { waitMs = 0 } = {}) {
  let targets;
  for (const deadline = Date.now() + waitMs; !targets; ) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`no inspector on 127.0.0.1:${port} (${error.message})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!targets.length) throw new Error(`the inspector on 127.0.0.1:${port} lists no target`);
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let seq = 0;
  const pending = new Map();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  };
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++seq;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}
