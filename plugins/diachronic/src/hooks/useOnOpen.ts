import { useEffect, useRef } from 'react';

/**
 * Runs `reset` when a dialog opens (closed → open), and only then: data that changes while it is open (the
 * next step, a push) must not wipe what the operator has chosen or typed.
 */
export function useOnOpen(open: boolean, reset: () => void): void {
  const wasOpen = useRef(false);
  const latestReset = useRef(reset);
  latestReset.current = reset;
  useEffect(() => {
    if (open && !wasOpen.current) latestReset.current();
    wasOpen.current = open;
  }, [open]);
}
