'use client';
import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { authClient } from '@/lib/auth-client';

/**
 * Extends the browser session once it is due (`renewAt`, from the server's read of it): asks Better
 * Auth's route handler, which can set the cookie, for the session, extending row and cookie
 * together. Checked on every navigation, since client-side ones keep this layout mounted: a tab open
 * for days renews too. Once per page load at most; the next load reads the new expiry.
 */
export function SessionRenewal({ renewAt }: { renewAt: number }) {
  const pathname = usePathname();
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current || Date.now() < renewAt) return;
    asked.current = true;
    void authClient.getSession();
  }, [pathname, renewAt]);
  return null;
}
