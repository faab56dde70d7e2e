'use client';
import { useCallback, useEffect, useState } from 'react';

/**
 * A wait the backend asked for (429 Retry-After), counted down once a second: `waitFor(seconds)`
 * starts it, `secondsLeft` is what a submit button shows and stays disabled for.
 */
export function useRetryCountdown() {
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [, tick] = useState(0);

  const waitFor = useCallback((seconds: number | null | undefined) => {
    if (seconds) setWaitUntil(Date.now() + seconds * 1000);
  }, []);

  useEffect(() => {
    if (!waitUntil) return;
    const timer = setInterval(() => {
      if (Date.now() >= waitUntil) setWaitUntil(null);
      else tick((n) => n + 1);
    }, 1000);
    return () => clearInterval(timer);
  }, [waitUntil]);

  const secondsLeft = waitUntil ? Math.max(0, Math.ceil((waitUntil - Date.now()) / 1000)) : 0;
  return { secondsLeft, waitFor };
}
