import {
  assertFamily,
  assertVersionId,
  encodeFlagMetadata,
  familyGroupId,
  parseFlagMetadata,
  VersionFlagMetadata,
  versionFlagMetadata,
  versionFlagName,
  versionTaskQueue,
} from './naming';

const meta: VersionFlagMetadata = {
  diachronic: 1,
  family: 'pay.ments-eu',
  seq: 7,
  versionId: '3f9c2ab',
  taskQueue: 'pay.ments-eu@3f9c2ab',
};

describe('names', () => {
  it('builds task queues, flag names and group ids', () => {
    expect(versionTaskQueue('order', '3f9c2ab')).toBe('order@3f9c2ab');
    expect(versionFlagName('order', 7, '3f9c2ab')).toBe('diachronic.order.v000007.3f9c2ab');
    expect(familyGroupId('pay.ments-eu')).toBe('diachronic.pay.ments-eu');
  });

  it('sorts flag names by seq within a family', () => {
    const names = [12, 3, 100000, 99].map(seq => versionFlagName('order', seq, 'abcdef0'));
    expect([...names].sort()).toEqual([3, 12, 99, 100000].map(seq => versionFlagName('order', seq, 'abcdef0')));
  });

  it.each(['order', 'pay.ments-eu', 'a', 'a_b', 'x'.repeat(63)])('accepts the family %s', family => {
    expect(() => assertFamily(family)).not.toThrow();
  });

  it.each(['', 'Order', '-order', 'order.', 'or@der', 'or der', 'x'.repeat(64)])('rejects the family %j', family => {
    expect(() => assertFamily(family)).toThrow(JSON.stringify(family));
  });

  it('accepts 7 to 40 lowercase hex digits as a version id', () => {
    expect(() => assertVersionId('3f9c2ab')).not.toThrow();
    expect(() => assertVersionId('a'.repeat(40))).not.toThrow();
    for (const bad of ['3f9c2a', 'a'.repeat(41), '3F9C2AB', 'xyz1234']) {
      expect(() => assertVersionId(bad)).toThrow(bad);
    }
  });
});

describe('flag metadata', () => {
  it('round-trips through the description', () => {
    const full = { ...meta, sha: 'a'.repeat(40), aborted: { who: 'user:default/ann', why: 'errors', at: '2025-01-01T00:00:00.000Z' } };
    expect(parseFlagMetadata(encodeFlagMetadata(meta))).toEqual(meta);
    expect(parseFlagMetadata(encodeFlagMetadata(full))).toEqual(full);
  });

  it.each([
    ['no description', undefined],
    ['a human description', 'Enables the new checkout'],
    ['other JSON', '{"owner":"team-a"}'],
    ['a JSON array', '[1]'],
    ['another metadata version', JSON.stringify({ ...meta, diachronic: 2 })],
    ['a bad family', JSON.stringify({ ...meta, family: 'Pay', taskQueue: 'Pay@3f9c2ab' })],
    ['a bad version id', JSON.stringify({ ...meta, versionId: 'main', taskQueue: 'pay.ments-eu@main' })],
    ['a fractional seq', JSON.stringify({ ...meta, seq: 1.5 })],
    ['a negative seq', JSON.stringify({ ...meta, seq: -1 })],
    ['a task queue of another version', JSON.stringify({ ...meta, taskQueue: 'pay.ments-eu@0000000' })],
    ['a malformed abort mark', JSON.stringify({ ...meta, aborted: { who: 'ann' } })],
  ])('is undefined for %s', (_, description) => {
    expect(parseFlagMetadata(description)).toBeUndefined();
  });

  it('belongs to a flag only under the name it describes, so a clone is not a version', () => {
    const description = encodeFlagMetadata(meta);
    expect(versionFlagMetadata({ name: 'diachronic.pay.ments-eu.v000007.3f9c2ab', description })).toEqual(meta);
    expect(versionFlagMetadata({ name: 'diachronic.pay.ments-eu.v000007.3f9c2ab-copy', description })).toBeUndefined();
    expect(versionFlagMetadata({ name: 'diachronic.pay.ments-eu.v000007.3f9c2ab' })).toBeUndefined();
  });
});
