import { useEffect, useRef } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';

/**
 * Calls `refresh` whenever the backend pushes a message on one of `channels` (Backstage signals).
 * Returns whether signals are installed in the app: without them, nothing is pushed and callers poll.
 */
export function useSignalRefresh(channels: readonly string[], refresh: () => void): boolean {
  const signals = useApiHolder().get(signalApiRef);
  const latest = useRef(refresh);
  latest.current = refresh;
  // Keyed by value: a new but equal list does not subscribe again.
  const key = channels.join('\n');
  useEffect(() => {
    if (!signals || key === '') return undefined;
    const subscriptions = key.split('\n').map(channel => signals.subscribe(channel, () => latest.current()));
    return () => subscriptions.forEach(subscription => subscription.unsubscribe());
  }, [signals, key]);
  return signals !== undefined;
}
