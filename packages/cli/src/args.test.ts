import { parseCommandLine, parseSchedule, parseWholeNumber } from './args';

describe('the command line', () => {
  it('separates the command, its arguments and the options given (a negated flag by its name)', () => {
    expect(parseCommandLine(['override', 'orders', '30', '--reason=slow down', '--no-migratory', '--json'])).toEqual({
      command: 'override',
      args: ['orders', '30'],
      values: { reason: 'slow down', migratory: false, json: true },
      given: ['reason', 'migratory', 'json'],
    });
    expect(() => parseCommandLine(['list', '--frobnicate'])).toThrow("Unknown option '--frobnicate'");
    expect(() => parseCommandLine(['list', '--url'])).toThrow("Option '--url <value>' argument missing");
  });

  it('reads a schedule as percentages and holds, and checks it as the backend does', () => {
    expect(parseSchedule('20:5m,50:90s,75:1.5h,100')).toEqual([
      { percent: 20, pauseMs: 300_000 },
      { percent: 50, pauseMs: 90_000 },
      { percent: 75, pauseMs: 5_400_000 },
      { percent: 100, pauseMs: 0 },
    ]);
    expect(() => parseSchedule('20:5 minutes')).toThrow('--schedule: "20:5 minutes" is not <percent>[:<hold>], e.g. 20:5m');
    expect(() => parseSchedule('0:1s,100')).toThrow('--schedule step 1: must be at least 1');
    expect(() => parseSchedule('20:8d')).toThrow('--schedule: "20:8d" is not');
  });

  it('takes whole numbers only within their range', () => {
    expect(parseWholeNumber('100', '<percent>', 0, 100)).toBe(100);
    for (const text of ['101', '-1', '12.5', '', 'ten']) {
      expect(() => parseWholeNumber(text, '<percent>', 0, 100)).toThrow(`<percent>: must be a whole number from 0 to 100, got ${JSON.stringify(text)}`);
    }
  });
});
