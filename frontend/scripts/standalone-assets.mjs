#!/usr/bin/env node
// `output: 'standalone'` leaves static assets out of the traced server; put them beside it, as
// `node .next/standalone/frontend/server.js` (and the Docker image) expect.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, '.next', 'standalone', 'frontend');
if (!existsSync(path.join(server, 'server.js'))) throw new Error(`No standalone server at ${server}: did next build run?`);
cpSync(path.join(root, '.next', 'static'), path.join(server, '.next', 'static'), { recursive: true });
if (existsSync(path.join(root, 'public'))) cpSync(path.join(root, 'public'), path.join(server, 'public'), { recursive: true });
