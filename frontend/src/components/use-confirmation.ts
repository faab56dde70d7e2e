'use client';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * An inline "are you sure?" that replaces the button that asked it. Backing out (Cancel, Escape)
 * puts focus back on that button: the confirmation's own buttons are gone, and focus with them.
 */
export function useConfirmation() {
  const [confirming, setConfirming] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (confirming || !returnFocus.current) return;
    returnFocus.current = false;
    trigger.current?.focus();
  }, [confirming]);

  const cancel = useCallback(() => {
    returnFocus.current = true;
    setConfirming(false);
  }, []);

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      if (event.key === 'Escape') cancel();
    },
    [cancel],
  );

  return { confirming, ask: () => setConfirming(true), cancel, trigger, onKeyDown };
}
