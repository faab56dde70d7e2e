import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));
// The workspace root holds the hoisted node_modules; tracing and Turbopack must see it.
const repoRoot = path.join(here, '..');

const securityHeaders = [
  // The browser only ever loads this app, never /api, so the backend's HSTS would not reach it: without
  // ours the first request of every visit can be served over plain HTTP by anyone on the network
  // (a look-alike sign-in form, for one). Browsers ignore it on plain-HTTP responses, so development is
  // unaffected. Same value as the backend's (helmet's default) on this same host.
  { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
  // No window opened from another site keeps a handle on ours (window.opener, cross-window leaks).
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const config: NextConfig = {
  output: 'standalone',
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  poweredByHeader: false,
  reactStrictMode: true,
  // Native/Node-only packages stay outside the server bundle.
  serverExternalPackages: ['pg', 'kysely'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default config;
