/**
 * SIGTERM (what `docker compose stop`, a rolling deploy or a scale-down sends each replica): the
 * instance stops accepting connections, finishes the requests it is serving, closes its database
 * and Redis connections, and exits 0 well within the 10 s the compose file's grace period allows.
 */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { api, dbQuery, deploy, login, PASSWORD, portAccepts, register, sleep, uniqueEmail, type Deployment, type Tokens } from './support/cluster.js';

const T = 60_000;

let deployment: Deployment;
let tokens: Tokens;

beforeAll(async () => {
  deployment = await deploy('shutdown', 4, { THROTTLE_LIMIT: '1000', AUTH_THROTTLE_LIMIT: '1000' });
  const email = uniqueEmail('shutdown');
  await register(deployment.instances[0].url, email);
  tokens = await login(deployment.instances[0].url, email, PASSWORD);
}, T);

afterAll(async () => {
  await deployment?.close();
}, T);

/**
 * Starts POST /api/tasks and sends only the first half of its body: the request is in flight (the
 * server has its headers and is waiting for the rest) until `finish()` sends the other half.
 */
function slowCreate(port: number, title: string) {
  const body = JSON.stringify({ title });
  const half = Math.floor(body.length / 2);
  let finish!: () => void;
  const response = new Promise<{ status: number; body: any; connection: string | undefined }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/tasks',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${tokens.access_token}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, connection: res.headers.connection }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { response, finish: () => finish() };
}

it('SIGTERM: refuses new connections, completes the in-flight request, closes its pools and exits 0 within 10 s', async () => {
  const [victim, survivor] = deployment.instances;
  const inFlight = slowCreate(victim.port, 'written across a shutdown');
  await sleep(300); // the server has parsed the headers and waits for the body

  const stopping = victim.stop('SIGTERM', 20_000);
  // The listener closes first: a new connection is refused while the old request is still open.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && (await portAccepts(victim.port))) await sleep(50);
  expect(await portAccepts(victim.port)).toBe(false);
  expect(victim.running).toBe(true);

  inFlight.finish();
  const done = await inFlight.response;
  expect(done.status).toBe(201);
  expect(done.body.title).toBe('written across a shutdown');

  const exit = await stopping;
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  expect(exit.ms).toBeLessThan(10_000);

  // The write is durable, and the other replica serves it: nothing was lost with the instance.
  const list = await api(survivor.url, 'GET', '/api/tasks', { token: tokens.access_token });
  expect(list.status).toBe(200);
  expect(list.body.tasks.map((t: { title: string }) => t.title)).toContain('written across a shutdown');

  // main.ts exits 0 only after app.close() resolved, i.e. after the TypeORM pool and the Redis
  // client were closed; an error or the 10 s deadline would have made it exit 1.
  const shutdownLog = victim.records().map((r) => String(r.msg ?? ''));
  expect(shutdownLog.some((m) => /SIGTERM received/.test(m))).toBe(true);
  expect(victim.records().filter((r) => r.level >= 50)).toEqual([]);
}, T);

it('SIGTERM: a request that reaches the closing instance on a busy connection is a 503 problem, with the headers every response carries', async () => {
  const instance = deployment.instances[3];
  const socket = connect({ host: '127.0.0.1', port: instance.port });
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const body = JSON.stringify({ title: 'finished across a shutdown' });
  const half = Math.floor(body.length / 2);
  // "100 Continue" comes back once the server has read the headers and routed the request: it is
  // in flight before the shutdown, with the rest of its body still to come.
  socket.write(
    `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens.access_token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  for (const deadline = Date.now() + 5_000; !received.includes('100 Continue') && Date.now() < deadline; ) await sleep(10);
  expect(received).toMatch(/^HTTP\/1\.1 100 Continue/);
  socket.write(body.slice(0, half));

  const stopping = instance.stop('SIGTERM', 20_000);
  for (const deadline = Date.now() + 3_000; Date.now() < deadline && (await portAccepts(instance.port)); ) await sleep(20);
  // The first request’s body, and a second request pipelined behind it on the same connection
  // (written, not ended: a client that half-closes aborts what it sent). The server closes it.
  socket.write(`${body.slice(half)}GET /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens.access_token}\r\n\r\n`);
  await once(socket, 'close');

  const responses = received.split(/(?=HTTP\/1\.1 )/).filter((r) => !r.startsWith('HTTP/1.1 100'));
  expect(responses.map((r) => r.slice(0, 12))).toEqual(['HTTP/1.1 201', 'HTTP/1.1 503']);
  const [head, problem] = responses[1].split('\r\n\r\n');
  const headers = Object.fromEntries(head.split('\r\n').slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  expect(headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/problem\+json/), 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', connection: 'close' });
  expect(Number(headers['retry-after'])).toBeGreaterThan(0);
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.parse(problem)).toMatchObject({ type: 'about:blank', title: 'Service Unavailable', status: 503 });

  const exit = await stopping;
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  const rows = await dbQuery(deployment.db.url, 'SELECT count(*)::int AS n FROM tasks WHERE title = $1', ['finished across a shutdown']);
  expect(rows[0].n).toBe(1);
}, T);

it('SIGTERM: a handler whose client already hung up still finishes before the pools close', async () => {
  const instance = deployment.instances[2];
  const email = uniqueEmail('abandoned');
  // A registration spends tens of milliseconds hashing before it writes: the client sends it whole,
  // hangs up while the hash runs, and the instance is told to stop at once.
  const body = JSON.stringify({ email, password: PASSWORD, name: 'Abandoned' });
  const req = httpRequest({
    host: '127.0.0.1',
    port: instance.port,
    method: 'POST',
    path: '/api/auth/register',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  req.on('error', () => undefined); // the hang-up below
  req.end(body);
  await sleep(15);
  req.destroy();
  const exit = await instance.stop('SIGTERM', 20_000);

  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  // The account was written: the shutdown waited for the handler instead of closing the pool under it.
  const rows = await dbQuery(deployment.db.url, 'SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
  expect(rows[0].n).toBe(1);
  expect(instance.records().filter((r) => r.level >= 50)).toEqual([]);
}, T);

it('SIGTERM on an idle instance exits 0 at once (no keep-alive connection holds it open)', async () => {
  const [, survivor] = deployment.instances;
  // A keep-alive connection left open by a client must not delay the exit.
  expect((await api(survivor.url, 'GET', '/api/health')).status).toBe(200);
  const exit = await survivor.stop('SIGTERM', 20_000);
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  expect(exit.ms).toBeLessThan(5_000);
  // Both instances are gone and so are their pools.
  const deadline = Date.now() + 5_000;
  let remaining = -1;
  while (Date.now() < deadline) {
    remaining = (await dbQuery(deployment.db.url, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'))[0].n;
    if (remaining === 0) break;
    await sleep(100);
  }
  expect(remaining).toBe(0);
}, T);
