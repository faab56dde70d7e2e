/**
 * A production start that cannot serve refuses at once, exit code 1, with one message that says what
 * is wrong and how to fix it: what an operator reads in `docker compose logs`, no stack trace.
 */
import { execFile } from 'node:child_process';
import { BACKEND_DIR, backendEnv, createDatabase, NODE_BINARY, randomSecret, type TestDatabase } from './support/cluster.js';

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(NODE_BINARY, ['dist/main.js'], { cwd: BACKEND_DIR, env, timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
    });
  });
}

let empty: TestDatabase;
beforeAll(async () => {
  empty = await createDatabase('unmigrated');
});
afterAll(async () => {
  await empty?.drop();
});

it('refuses a database that lacks the build’s migrations, naming them and the command that applies them', async () => {
  const { code, stderr } = await start(backendEnv({ DATABASE_URL: empty.url, JWT_SECRET_KEY: randomSecret(), PORT: '0' }));
  expect(code).toBe(1);
  expect(stderr).toMatch(/^The database lacks \d+ migration\(s\) of this build \(InitialSchema1764000000000, .*\): run `npm run migration:run` first/m);
  expect(stderr).not.toMatch(/^\s+at /m);
}, 60_000);

it('refuses an invalid configuration, naming each problem', async () => {
  const { code, stderr } = await start(backendEnv({ DATABASE_URL: empty.url, JWT_SECRET_KEY: 'short', PORT: '0' }));
  expect(code).toBe(1);
  expect(stderr).toMatch(/^Invalid configuration:\n {2}- JWT_SECRET_KEY/);
  expect(stderr).not.toMatch(/^\s+at /m);
}, 60_000);
