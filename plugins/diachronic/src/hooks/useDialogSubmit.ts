import { useCallback, useState } from 'react';

/** A dialog's submit: busy while it runs, its error kept to show, the dialog closed once it succeeded. */
export function useDialogSubmit<T>(onSubmit: (input: T) => Promise<void>, onClose: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const submit = async (input: T) => {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(input);
      onClose();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const clearError = useCallback(() => setError(undefined), []);
  return { busy, error, clearError, submit };
}
