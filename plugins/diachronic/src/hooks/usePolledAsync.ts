import { DependencyList, useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useSignalRefresh } from './useSignalRefresh';

export interface PollingOptions<T> {
  /** Whether the loaded value is still changing, so it is worth loading again. */
  shouldPoll: (value: T) => boolean;
  /** First delay, used again whenever the value changed. */
  minIntervalMs?: number;
  /** The delay doubles while nothing changes (or loading fails), up to this. */
  maxIntervalMs?: number;
  /**
   * While `shouldPoll` says the value is settled, load again this often anyway (something may start it
   * elsewhere, such as a webhook); unset, a settled value is not loaded again.
   */
  idleIntervalMs?: number;
  /**
   * Backstage signal channels on which the backend pushes changes of the value: each message loads it
   * again at once. While signals are installed, a live value is loaded again only every
   * `pushedIntervalMs` besides (what no history event announces, such as a workflow stuck failing its tasks).
   */
  signalChannels?: readonly string[];
  pushedIntervalMs?: number;
  /** When the value is next due to change (e.g. a rollout's next step, ISO): it is loaded again right then. */
  dueAt?: (value: T) => string | undefined;
}

/** After the due time: the change is written by then. */
const DUE_MARGIN_MS = 500;
/** A due time further ahead than this is left to the other timers. */
const DUE_HORIZON_MS = 24 * 3600_000;

export interface PolledAsyncState<T> {
  /** The last value loaded successfully: kept while refreshing and after a failed refresh. */
  value?: T;
  error?: Error;
  /** Loading with nothing to show yet. */
  loading: boolean;
  /** Loading again with the last value still shown. */
  refreshing: boolean;
  retry: () => void;
}

/**
 * `useAsyncRetry`, loaded again when the backend pushes a change, else while `shouldPoll` says the value
 * is live, with a backoff so an idle page does not hammer the backend; the last good value stays on
 * screen so nothing flickers.
 */
export function usePolledAsync<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  {
    shouldPoll,
    minIntervalMs = 2000,
    maxIntervalMs = 30000,
    idleIntervalMs,
    signalChannels = [],
    pushedIntervalMs = 30000,
    dueAt,
  }: PollingOptions<T>,
): PolledAsyncState<T> {
  const state = useAsyncRetry(load, deps);
  // A push while a load runs waits for it: loading again at once would drop the load nearly done, and a
  // burst of pushes would keep the page from showing anything until the burst ends.
  const loading = useRef(state.loading);
  loading.current = state.loading;
  const pushedWhileLoading = useRef(false);
  const onPush = () => {
    if (loading.current) pushedWhileLoading.current = true;
    else state.retry();
  };
  const pushed = useSignalRefresh(signalChannels, onPush) && signalChannels.length > 0;
  const { retry: loadAgain } = state;
  useEffect(() => {
    if (state.loading || !pushedWhileLoading.current) return;
    pushedWhileLoading.current = false;
    loadAgain();
  }, [state.loading, loadAgain]);
  const [last, setLast] = useState<{ value: T; text: string }>();
  const delay = useRef(minIntervalMs);

  useEffect(() => {
    if (state.loading) return;
    if (state.error) {
      delay.current = Math.min(delay.current * 2, maxIntervalMs);
    } else if (state.value !== undefined) {
      const text = JSON.stringify(state.value);
      delay.current = text === last?.text ? Math.min(delay.current * 2, maxIntervalMs) : minIntervalMs;
      if (text !== last?.text) setLast({ value: state.value, text });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `last` is only compared, re-running on it would double the backoff
  }, [state.loading, state.value, state.error, minIntervalMs, maxIntervalMs]);

  const live = last !== undefined && shouldPoll(last.value);
  const polling = !state.loading && last !== undefined && (live || idleIntervalMs !== undefined);
  const { retry } = state;
  useEffect(() => {
    if (!polling) return undefined;
    const liveDelay = pushed ? pushedIntervalMs : delay.current;
    const timer = setTimeout(retry, live ? liveDelay : idleIntervalMs);
    return () => clearTimeout(timer);
  }, [polling, live, pushed, pushedIntervalMs, idleIntervalMs, retry, last, state.error]);

  const due = last !== undefined ? dueAt?.(last.value) : undefined;
  useEffect(() => {
    if (!due || state.loading) return undefined;
    const wait = new Date(due).getTime() - Date.now() + DUE_MARGIN_MS;
    if (!(wait > 0 && wait < DUE_HORIZON_MS)) return undefined;
    const timer = setTimeout(retry, wait);
    return () => clearTimeout(timer);
  }, [due, state.loading, retry]);

  return {
    value: last?.value,
    error: state.error,
    loading: state.loading && last === undefined,
    refreshing: state.loading && last !== undefined,
    retry,
  };
}
