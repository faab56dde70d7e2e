import type { BetterAuthClientPlugin } from 'better-auth/client';
import type { backendCredentials } from './backend-plugin.ts';

const SESSION_PATHS = new Set(['/sign-in/backend', '/sign-up/backend']);

/**
 * Client half of the backend-credentials plugin: typed `authClient.signIn.backend(...)` and
 * `authClient.signUp.backend(...)`. The atom listeners make `useSession` re-read the session after
 * these calls, as it does after Better Auth's own sign-in routes.
 */
export function backendCredentialsClient() {
  return {
    id: 'backend-credentials',
    $InferServerPlugin: {} as ReturnType<typeof backendCredentials>,
    pathMethods: { '/sign-in/backend': 'POST', '/sign-up/backend': 'POST' },
    atomListeners: [{ matcher: (path: string) => SESSION_PATHS.has(path), signal: '$sessionSignal' }],
  } satisfies BetterAuthClientPlugin;
}
