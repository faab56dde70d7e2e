#!/usr/bin/env node
// Runs the standalone production server built by `npm run build -w frontend`.
// FRONTEND_PORT (default 3000) and FRONTEND_HOST (default 0.0.0.0) rather than PORT/HOSTNAME:
// PORT is the backend's in a shared .env, and many shells export HOSTNAME as the machine's name.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, '.next', 'standalone', 'frontend', 'server.js');
if (!existsSync(server)) {
  console.error('No production build found: run `npm run build -w frontend` first.');
  process.exit(1);
}
const child = spawn(process.execPath, [server], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    PORT: process.env.FRONTEND_PORT ?? '3000',
    HOSTNAME: process.env.FRONTEND_HOST ?? '0.0.0.0',
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
