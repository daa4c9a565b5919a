import { act, renderHook } from '@testing-library/react';
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
});
