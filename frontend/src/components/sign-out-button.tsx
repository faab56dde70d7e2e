'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '@/lib/auth-client';
import { Button } from './ui';

/**
 * Better Auth's own sign-out; its session-delete hook also ends the backend session. When it fails
 * the user stays here and is told so: sent to /login still signed in, they would only be sent back.
 */
export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <>
      {failed ? (
        <span role="alert" className="text-sm text-red-700">
          Could not sign out. Try again.
        </span>
      ) : null}
      <Button
        variant="secondary"
        size="sm"
        pending={pending}
        onClick={async () => {
          setPending(true);
          setFailed(false);
          const { error } = await authClient.signOut().catch(() => ({ error: true }));
          if (error) {
            setPending(false);
            setFailed(true);
            return;
          }
          router.replace('/login');
          router.refresh();
        }}
      >
        Sign out
      </Button>
    </>
  );
}
