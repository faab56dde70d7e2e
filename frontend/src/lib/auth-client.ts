'use client';
import { createAuthClient } from 'better-auth/react';
import { backendCredentialsClient } from './auth/backend-client-plugin';

/** Browser-side Better Auth: sees the session cookie's user and session, never a backend token. */
export const authClient = createAuthClient({
  basePath: '/auth',
  plugins: [backendCredentialsClient()],
});
