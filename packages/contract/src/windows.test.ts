import { deployWindowState, deploymentOptionsSchema, describeIssues, parseDeployWindow } from './index';

const problem = (windows: unknown) => {
  const parsed = deploymentOptionsSchema.safeParse({ dark: false, migratory: false, windows });
  return parsed.success ? undefined : describeIssues(parsed.error, 'options');
};

describe('deploy windows', () => {
  it('read days, a time range and a time zone', () => {
    expect(parseDeployWindow('Mon-Thu 09:00-16:00 Europe/Berlin')).toEqual({ days: [1, 2, 3, 4], startMinute: 540, endMinute: 960, timeZone: 'Europe/Berlin' });
    expect(parseDeployWindow('Fri-Mon 00:00-24:00 UTC').days).toEqual([0, 1, 5, 6]);
    expect(parseDeployWindow('Mon,Wed-Thu 10:30-11:00 America/New_York').days).toEqual([1, 3, 4]);
  });

  it('refuse what they cannot read, naming the problem', () => {
    expect(problem(['Mon-Thu 9-16 Europe/Berlin'])).toBe('options.windows.0: must look like "Mon-Thu 09:00-16:00 Europe/Berlin" (days, a time range, a time zone)');
    expect(problem(['Mon 16:00-09:00 UTC'])).toBe('options.windows.0: the end must be after the start on the same day (use two windows to span midnight)');
    expect(problem(['Mon 09:00-16:00 Mars/Olympus'])).toBe('options.windows.0: "Mars/Olympus" is not a time zone (use an IANA name such as Europe/Berlin, or UTC)');
    expect(problem(['Moon 09:00-16:00 UTC'])).toBe('options.windows.0: "Moon" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)');
    expect(problem(['Mon 09:00-16:00 UTC', 'Sat 10:00-12:00 Asia/Tokyo'])).toBeUndefined();
  });

  it('say whether a deployment may take steps now and when that changes, in the zone, daylight saving included', () => {
    const berlin = ['Mon-Thu 09:00-16:00 Europe/Berlin'];
    // Thursday 2026-03-26 10:00 in Berlin is 09:00 UTC (winter time, UTC+1).
    expect(deployWindowState(berlin, Date.parse('2026-03-26T09:00:00Z'))).toEqual({ open: true, changesAt: '2026-03-26T15:00:00.000Z' });
    // Friday: closed until Monday 09:00 Berlin, which is summer time by then (UTC+2, from 2026-03-29).
    expect(deployWindowState(berlin, Date.parse('2026-03-27T12:00:00Z'))).toEqual({ open: false, changesAt: '2026-03-30T07:00:00.000Z' });
    expect(deployWindowState([], Date.parse('2026-03-27T12:00:00Z'))).toEqual({ open: true });
    expect(deployWindowState(undefined, 0)).toEqual({ open: true });
    // Two windows: open if either is.
    const split = ['Mon 22:00-24:00 UTC', 'Tue 00:00-02:00 UTC'];
    expect(deployWindowState(split, Date.parse('2026-03-30T23:30:00Z'))).toEqual({ open: true, changesAt: '2026-03-31T02:00:00.000Z' });
  });
});
