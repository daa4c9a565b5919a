import { RouteDecision, routeAmong } from './route';

const version = (seq: number): RouteDecision => ({
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
