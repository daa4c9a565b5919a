import type { VersionRef } from '@diachronic/contract';
import { mayRouteTo, RoutableVersion, routeAmong } from './route';

const version = (seq: number): VersionRef => ({
  family: 'order',
  versionId: `abcdef${seq}`,
  seq,
  taskQueue: `order@abcdef${seq}`,
  flag: `diachronic.order.v00000${seq}.abcdef${seq}`,
});

describe('routeAmong', () => {
  const versions = [version(0), version(1), version(2)];

  it('picks the newest enabled version, asking newest first and stopping at the first yes', () => {
    const asked: string[] = [];
    const enabled = new Set([versions[0].flag, versions[1].flag]);
    const decision = routeAmong(versions, flag => {
      asked.push(flag);
      return enabled.has(flag);
    });
    expect(decision).toEqual(versions[1]);
    expect(asked).toEqual([versions[2].flag, versions[1].flag]);
  });

  it('is undefined when no version is enabled or there is none', () => {
    expect(routeAmong(versions, () => false)).toBeUndefined();
    expect(routeAmong([], () => true)).toBeUndefined();
  });
});

describe('mayRouteTo', () => {
  const flag = (seq: number, state: Partial<RoutableVersion> = {}): RoutableVersion => ({
    seq,
    enabled: true,
    livePercent: 100,
    darkEnabled: true,
    ...state,
  });

  it('is true for a version that enables someone and that no newer version covers entirely', () => {
    const old = flag(0);
    const rollingOut = flag(1, { livePercent: 40 });
    expect(mayRouteTo(old, [old, rollingOut])).toBe(true);
    expect(mayRouteTo(rollingOut, [old, rollingOut])).toBe(true);
    // Dark only: test traffic still goes there.
    const dark = flag(2, { livePercent: 0 });
    expect(mayRouteTo(dark, [old, rollingOut, dark])).toBe(true);
  });

  it('is false once a newer served version is live at 100%, test traffic included', () => {
    const old = flag(0);
    const full = flag(1);
    expect(mayRouteTo(old, [old, full])).toBe(false);
    // A newer version at 100% that is not served (environment off) takes nobody.
    expect(mayRouteTo(old, [old, flag(1, { enabled: false })])).toBe(true);
  });

  it('is false for a version that enables nobody or is not served', () => {
    const aborted = flag(1, { livePercent: 0, darkEnabled: false });
    expect(mayRouteTo(aborted, [flag(0), aborted])).toBe(false);
    const off = flag(1, { enabled: false });
    expect(mayRouteTo(off, [flag(0), off])).toBe(false);
  });
});
