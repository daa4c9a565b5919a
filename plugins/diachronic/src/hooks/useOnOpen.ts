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

/**
 * Focus for a dialog's first field once the dialog has opened (the dialog pattern of WAI-ARIA): pass
 * `inputRef` to the field and `TransitionProps` to the `Dialog`.
 */
export function useFocusWhenOpened<T extends HTMLElement = HTMLInputElement>() {
  const inputRef = useRef<T>(null);
  return { inputRef, TransitionProps: { onEntered: () => inputRef.current?.focus() } };
}
