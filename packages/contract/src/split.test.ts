import { describeShares, newStartsSplit, SplitVersion } from './split';

const version = (seq: number, livePercent: number, patch: Partial<SplitVersion> = {}): SplitVersion => ({
  versionId: `000000${seq}`,
  seq,
  enabled: true,
  livePercent,
  darkEnabled: false,
  ...patch,
});

describe('newStartsSplit', () => {
  it('gives the newest version its live percentage and the older one the rest, at 0, 10, 50 and 100', () => {
    for (const percent of [0, 10, 50, 100]) {
      const split = newStartsSplit([version(1, 100), version(2, percent)]);
      expect(split.live).toEqual([
        ...(percent > 0 ? [{ versionId: '0000002', percent }] : []),
        ...(percent < 100 ? [{ versionId: '0000001', percent: 100 - percent }] : []),
      ]);
      expect(split.unrouted).toBe(0);
    }
    expect(describeShares(newStartsSplit([version(1, 100), version(2, 50)]).live)).toBe('0000001 50% · 0000002 50%');
  });

  it('sends test traffic to a dark version and live traffic past it', () => {
    const split = newStartsSplit([version(1, 100), version(2, 0, { darkEnabled: true })]);
    expect(split.live).toEqual([{ versionId: '0000001', percent: 100 }]);
    expect(split.test).toEqual([{ versionId: '0000002', percent: 100 }]);
    // Dark on a version that also serves live: test traffic is all its own.
    expect(newStartsSplit([version(1, 100), version(2, 30, { darkEnabled: true })]).test).toEqual([{ versionId: '0000002', percent: 100 }]);
  });

  it('gives a version behind a newer, larger rollout nothing, and leaves archived flags out', () => {
    const split = newStartsSplit([version(1, 100), version(2, 60), version(3, 20)]);
    expect(split.live).toEqual([
      { versionId: '0000003', percent: 20 },
      { versionId: '0000002', percent: 40 },
      { versionId: '0000001', percent: 40 },
    ]);
    expect(newStartsSplit([version(1, 100), version(2, 50), version(3, 30)]).live.map(share => share.versionId)).toEqual(['0000003', '0000002', '0000001']);
    expect(newStartsSplit([version(1, 100, { enabled: false }), version(2, 40)])).toEqual({
      live: [{ versionId: '0000002', percent: 40 }],
      test: [{ versionId: '0000002', percent: 40 }],
      unrouted: 60,
    });
    expect(newStartsSplit([version(1, 40), version(2, 60)]).live).toEqual([{ versionId: '0000002', percent: 60 }]);
  });
});
