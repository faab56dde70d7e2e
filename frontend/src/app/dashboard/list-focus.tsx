'use client';
import { useEffect, useRef } from 'react';
import { TASK_LIST_HEADING_ID } from '@/lib/tasks';

/**
 * When the tasks shown change under the keyboard user — a page followed to the first or last one
 * (where "← Previous" or "Next →" is no link), a task ticked off under a "Not done" filter, which
 * leaves the list with its checkbox — the element that had focus is gone and focus falls to <body>.
 * Focus lost that way goes to the list's heading, where the tasks now shown begin; focus anywhere
 * else stays put.
 */
export function ListFocus({ shown }: { shown: string }) {
  const last = useRef(shown);
  useEffect(() => {
    if (last.current === shown) return;
    last.current = shown;
    if (!document.activeElement || document.activeElement === document.body) document.getElementById(TASK_LIST_HEADING_ID)?.focus();
  }, [shown]);
  return null;
}
