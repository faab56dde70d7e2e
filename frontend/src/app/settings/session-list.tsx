'use client';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Alert, Badge, Button } from '@/components/ui';
import { useConfirmation } from '@/components/use-confirmation';
import { answerOf } from '@/components/use-form-action';
import type { Schemas } from '@/lib/backend/client';
import { describeUserAgent, relativeTime } from '@/lib/user-agent';
import { revokeSession, signOutEverywhere } from './actions';

type BackendSession = Schemas['SessionResponse'];

export function SessionList({ sessions }: { sessions: BackendSession[] }) {
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const { confirming: confirmAll, ask, cancel, trigger, onKeyDown } = useConfirmation();
  const messageRef = useRef<HTMLDivElement>(null);

  // A revoked device's row goes, and with it the button that had focus: the outcome takes it.
  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  function revoke(session: BackendSession) {
    setPendingId(session.id);
    startTransition(async () => {
      const result = await answerOf(revokeSession(session.id));
      setPendingId(null);
      setMessage(result.ok ? { tone: 'success', text: result.message ?? 'Signed out.' } : { tone: 'error', text: result.errors.form ?? 'Could not sign that device out.' });
    });
  }

  function everywhere() {
    startTransition(async () => {
      const result = await answerOf(signOutEverywhere());
      if (result && !result.ok) setMessage({ tone: 'error', text: result.errors.form ?? 'Could not sign out everywhere.' });
    });
  }

  return (
    <div className="space-y-4">
      {message && (
        <Alert ref={messageRef} tone={message.tone}>
          {message.text}
        </Alert>
      )}
      <ul className="divide-y divide-slate-200" aria-label="Signed-in devices" data-testid="sessions">
        {sessions.map((s) => {
          const device = describeUserAgent(s.userAgent);
          return (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="session" data-current={s.current ? 'true' : 'false'}>
              <div className="min-w-0">
                <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
                  {device}
                  {s.current && <Badge tone="green">This device</Badge>}
                </p>
                <p className="mt-0.5 text-sm text-slate-500">
                  {s.ip ? `${s.ip} · ` : ''}Active {relativeTime(s.lastUsedAt)} · Signed in {relativeTime(s.createdAt)}
                </p>
              </div>
              {!s.current && (
                <Button variant="secondary" size="sm" pending={pending && pendingId === s.id} disabled={pending} onClick={() => revoke(s)} aria-label={`Sign out ${device} (last active ${relativeTime(s.lastUsedAt)})`}>
                  Sign out
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 pt-4">
        {confirmAll ? (
          <div role="group" aria-label="Sign out everywhere?" className="flex flex-wrap items-center gap-2" onKeyDown={onKeyDown}>
            <span className="text-sm text-slate-600">This signs out every device, including this one.</span>
            <Button variant="danger" size="sm" pending={pending && pendingId === null} onClick={everywhere} autoFocus>
              Sign out everywhere
            </Button>
            <Button variant="ghost" size="sm" onClick={cancel}>
              Cancel
            </Button>
          </div>
        ) : (
          <Button ref={trigger} variant="secondary" size="sm" onClick={ask}>
            Sign out everywhere…
          </Button>
        )}
      </div>
    </div>
  );
}
