import { isMigration, receiveMigratedState } from './envelope';

const envelope = {
  diachronic: { fromVersionId: 'aaaaaaa', toVersionId: 'bbbbbbb', migratedAt: 1_700_000_000_000, timers: { shipBy: 1 } },
  state: { paymentRef: 'ch_1' },
};

describe('isMigration', () => {
  it('recognises a migration envelope', () => {
    expect(isMigration(envelope)).toBe(true);
    expect(isMigration({ ...envelope, diachronic: { ...envelope.diachronic, fromVersionId: undefined } })).toBe(true);
  });

  it.each([
    ['a fresh start input', { orderId: 'o-1', items: [] }],
    ['null', null],
    ['a string', 'diachronic'],
    ['an envelope without state', { diachronic: envelope.diachronic }],
    ['an envelope without a target version', { ...envelope, diachronic: { ...envelope.diachronic, toVersionId: 1 } }],
    ['an envelope without timers', { ...envelope, diachronic: { ...envelope.diachronic, timers: null } }],
  ])('rejects %s', (_, input) => {
    expect(isMigration(input)).toBe(false);
  });
});

describe('receiveMigratedState', () => {
  it('passes the state through, or through the upgrade with the migration info', () => {
    expect(receiveMigratedState(envelope)).toBe(envelope.state);
    expect(
      receiveMigratedState(envelope, {
        upgrade: (old, migration) => ({ payment: { ref: old.paymentRef }, from: migration.fromVersionId }),
      }),
    ).toEqual({ payment: { ref: 'ch_1' }, from: 'aaaaaaa' });
  });
});
