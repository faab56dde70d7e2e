'use client';
import { useEffect, useRef } from 'react';
import { TASK_LIST_HEADING_ID } from '@/lib/tasks';

/**
 * On the first and last pages "← Previous" or "Next →" is not a link: following one there removes
 * the link that had focus, and focus falls to <body>. Once the page has changed, focus lost that
 * way goes to the list's heading, where the new page's tasks begin.
 */
export function PageFocus({ page }: { page: number }) {
  const shown = useRef(page);
  useEffect(() => {
    if (shown.current === page) return;
    shown.current = page;
    if (!document.activeElement || document.activeElement === document.body) document.getElementById(TASK_LIST_HEADING_ID)?.focus();
  }, [page]);
  return null;
}
