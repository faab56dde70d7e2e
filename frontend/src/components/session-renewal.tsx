'use client';
import { useEffect } from 'react';
import { authClient } from '@/lib/auth-client';

/**
 * Rendered only when the session is due for its daily extension: asks Better Auth's route handler,
 * which can set the cookie, for the session once. It extends the row and the cookie together.
 */
export function SessionRenewal() {
  useEffect(() => {
    void authClient.getSession();
  }, []);
  return null;
}
