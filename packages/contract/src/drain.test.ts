import { DRAIN_WINDOW_MS, forecastDrain } from './drain';

const now = Date.UTC(2026, 11, 1, 10, 0, 0);

describe('forecastDrain', () => {
  it('projects the net departures of the window onto what still runs', () => {
    // 30 left and 10 arrived in 10 min: 2 a minute net; 40 running → 20 min.
    const forecast = forecastDrain({ running: 40, left: 30, arrived: 10 }, now);
    expect(forecast).toMatchObject({ leavingPerMinute: 2, windowMs: DRAIN_WINDOW_MS, at: '2026-12-01T10:00:00.000Z' });
    expect(forecast.emptyAt).toBe('2026-12-01T10:20:00.000Z');
    expect(forecast.unknown).toBeUndefined();
  });

  it('says "unknown" with the reason rather than guess', () => {
    expect(forecastDrain({ running: 40, left: 4, arrived: 0 }, now)).toMatchObject({
      unknown: 'too little data: 4 left in the last 10 min (at least 5 needed)',
    });
    const filling = forecastDrain({ running: 40, left: 12, arrived: 15 }, now);
    expect(filling.unknown).toBe('not draining: 15 arrived and 12 left in the last 10 min');
    expect(filling.emptyAt).toBeUndefined();
    expect(filling.leavingPerMinute).toBe(-0.3);
  });

  it('is empty now when nothing runs', () => {
    expect(forecastDrain({ running: 0, left: 0, arrived: 0 }, now)).toMatchObject({ emptyAt: '2026-12-01T10:00:00.000Z' });
  });
});
