import { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { usePolledAsync } from './usePolledAsync';

type Value = { phase: string; n?: number };

describe('usePolledAsync', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const flush = async (ms = 0) => {
    await act(async () => {
      await jest.advanceTimersByTimeAsync(ms);
    });
  };

  it('reloads while live, backing off while nothing changes, and keeps the last value', async () => {
    let answer: Value = { phase: 'rolling_out', n: 1 };
    const load = jest.fn(async () => answer);
    const { result } = renderHook(() =>
      usePolledAsync(load, [], {
        shouldPoll: v => v.phase === 'rolling_out',
        minIntervalMs: 1000,
        maxIntervalMs: 4000,
      }),
    );
    expect(result.current.loading).toBe(true);
    await flush();
    expect(result.current.value).toEqual({ phase: 'rolling_out', n: 1 });
    expect(load).toHaveBeenCalledTimes(1);

    // Unchanged answers: 1 s, then 2 s, then 4 s (capped).
    await flush(1000);
    expect(load).toHaveBeenCalledTimes(2);
    expect(result.current.loading).toBe(false);
    await flush(1999);
    expect(load).toHaveBeenCalledTimes(2);
    await flush(1);
    expect(load).toHaveBeenCalledTimes(3);
    await flush(4000);
    expect(load).toHaveBeenCalledTimes(4);

    // A change resets the interval; a finished deployment stops polling.
    answer = { phase: 'rolling_out', n: 2 };
    await flush(4000);
    expect(load).toHaveBeenCalledTimes(5);
    expect(result.current.value).toEqual({ phase: 'rolling_out', n: 2 });
    answer = { phase: 'completed' };
    await flush(1000);
    expect(load).toHaveBeenCalledTimes(6);
    expect(result.current.value).toEqual({ phase: 'completed' });
    await flush(60000);
    expect(load).toHaveBeenCalledTimes(6);
  });

  it('loads again right when the value says a change is due, whatever the polling interval', async () => {
    jest.setSystemTime(new Date('2026-12-05T10:00:00.000Z'));
    let answer: Value & { dueAt?: string } = { phase: 'rolling_out', n: 1, dueAt: '2026-12-05T10:00:07.000Z' };
    const load = jest.fn(async () => answer);
    renderHook(() =>
      usePolledAsync(load, [], { shouldPoll: v => v.phase === 'rolling_out', minIntervalMs: 60_000, dueAt: v => v.dueAt }),
    );
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    await flush(7_400);
    expect(load).toHaveBeenCalledTimes(1);
    answer = { phase: 'rolling_out', n: 2 };
    await flush(200);
    expect(load).toHaveBeenCalledTimes(2);
    // Nothing due any more: back to the polling interval.
    await flush(30_000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps showing the last value when a refresh fails', async () => {
    const load = jest
      .fn<Promise<Value>, []>()
      .mockResolvedValueOnce({ phase: 'rolling_out' })
      .mockRejectedValueOnce(new Error('503'))
      .mockResolvedValue({ phase: 'completed' });
    const { result } = renderHook(() =>
      usePolledAsync(load, [], { shouldPoll: v => v.phase === 'rolling_out', minIntervalMs: 1000 }),
    );
    await flush();
    await flush(1000);
    expect(result.current.error?.message).toBe('503');
    expect(result.current.value).toEqual({ phase: 'rolling_out' });
    await flush(2000);
    expect(result.current.error).toBeUndefined();
    expect(result.current.value).toEqual({ phase: 'completed' });
  });

  it('loads a settled value again at the idle interval and polls fast once it turns live', async () => {
    let answer: Value = { phase: 'none' };
    const load = jest.fn(async () => answer);
    const { result } = renderHook(() =>
      usePolledAsync(load, [], {
        shouldPoll: v => v.phase === 'rolling_out',
        minIntervalMs: 1000,
        idleIntervalMs: 15000,
      }),
    );
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    await flush(14999);
    expect(load).toHaveBeenCalledTimes(1);
    await flush(1);
    expect(load).toHaveBeenCalledTimes(2);

    answer = { phase: 'rolling_out', n: 1 };
    await flush(15000);
    expect(result.current.value).toEqual({ phase: 'rolling_out', n: 1 });
    answer = { phase: 'rolling_out', n: 2 };
    await flush(1000);
    expect(load).toHaveBeenCalledTimes(4);
    expect(result.current.value).toEqual({ phase: 'rolling_out', n: 2 });
  });

  describe('with signals installed', () => {
    /** A signal API whose channels the test pushes on. */
    function fakeSignals() {
      const handlers = new Map<string, Set<() => void>>();
      const api: SignalApi = {
        subscribe: <TMessage,>(channel: string, onMessage: (message: TMessage) => void) => {
          const set = handlers.get(channel) ?? new Set();
          handlers.set(channel, set);
          const handler = () => onMessage({ family: 'order', workflowId: 'diachronic/order/0000002' } as TMessage);
          set.add(handler);
          return { unsubscribe: () => set.delete(handler) };
        },
      };
      const push = (channel: string) => handlers.get(channel)?.forEach(handler => handler());
      const wrapper = ({ children }: { children: ReactNode }) => <TestApiProvider apis={[[signalApiRef, api]]}>{children}</TestApiProvider>;
      return { push, wrapper, subscribed: (channel: string) => handlers.get(channel)?.size ?? 0 };
    }

    it('loads again when its channel is pushed, and polls a live value only at the slow safety interval', async () => {
      const signals = fakeSignals();
      let n = 0;
      const load = jest.fn(async () => ({ phase: 'rolling_out', n: ++n }));
      const { result, unmount } = renderHook(
        () =>
          usePolledAsync(load, [], {
            shouldPoll: v => v.phase === 'rolling_out',
            minIntervalMs: 1000,
            signalChannels: ['diachronic:family:order'],
            pushedIntervalMs: 30000,
          }),
        { wrapper: signals.wrapper },
      );
      await flush();
      expect(load).toHaveBeenCalledTimes(1);
      // A live value is not polled at the live interval: the push says when it changed.
      await flush(10000);
      expect(load).toHaveBeenCalledTimes(1);
      act(() => signals.push('diachronic:family:order'));
      await flush();
      expect(load).toHaveBeenCalledTimes(2);
      expect(result.current.value).toEqual({ phase: 'rolling_out', n: 2 });
      // Another family's channel is not this one.
      act(() => signals.push('diachronic:family:invoice'));
      await flush();
      expect(load).toHaveBeenCalledTimes(2);
      await flush(30000);
      expect(load).toHaveBeenCalledTimes(3);
      unmount();
      expect(signals.subscribed('diachronic:family:order')).toBe(0);
    });

    it('a burst of pushes during a load does not restart it: one more load follows it', async () => {
      const signals = fakeSignals();
      let n = 0;
      const load = jest.fn(() => new Promise<{ phase: string; n: number }>(resolve => setTimeout(() => resolve({ phase: 'rolling_out', n: ++n }), 500)));
      const { result } = renderHook(
        () => usePolledAsync(load, [], { shouldPoll: () => true, signalChannels: ['diachronic:family:order'] }),
        { wrapper: signals.wrapper },
      );
      await flush(500);
      expect(result.current.value).toEqual({ phase: 'rolling_out', n: 1 });
      act(() => signals.push('diachronic:family:order'));
      await flush(200);
      // Pushed again and again while the second load runs: it still ends and shows.
      for (let i = 0; i < 5; i++) act(() => signals.push('diachronic:family:order'));
      await flush(300);
      expect(result.current.value).toEqual({ phase: 'rolling_out', n: 2 });
      await flush(500);
      expect(result.current.value).toEqual({ phase: 'rolling_out', n: 3 });
      expect(load).toHaveBeenCalledTimes(3);
    });

    it('polls as before when given no channel', async () => {
      const signals = fakeSignals();
      const load = jest.fn(async () => ({ phase: 'rolling_out' }));
      renderHook(() => usePolledAsync(load, [], { shouldPoll: () => true, minIntervalMs: 1000 }), { wrapper: signals.wrapper });
      await flush();
      await flush(1000);
      expect(load).toHaveBeenCalledTimes(2);
    });
  });
});
