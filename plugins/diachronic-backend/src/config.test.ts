import { ConfigReader } from '@backstage/config';
import { readDiachronicConfig } from './config';

const base = { diachronic: { unleash: { url: 'http://unleash:4242', clientToken: 'token' } } };
const withGate = (gate: unknown) =>
  new ConfigReader({ diachronic: { ...base.diachronic, deploymentDefaults: { gate } } } as never);

describe('readDiachronicConfig', () => {
  it('takes the configured defaults as they are given', () => {
    expect(readDiachronicConfig(new ConfigReader(base)).deploymentDefaults).toEqual({});
    expect(readDiachronicConfig(withGate({ maxFailedPercent: 2, onFailure: 'pause' })).deploymentDefaults.gate).toEqual({
      maxFailedPercent: 2,
      onFailure: 'pause',
    });
  });

  it('takes per-family policies, any family name, and fails at start on a bad one naming where', () => {
    const withFamilies = (families: unknown) =>
      readDiachronicConfig(new ConfigReader({ diachronic: { ...base.diachronic, families } } as never));
    const families = withFamilies([
      { family: 'order.v2-eu', migratory: true, waves: { bakeMs: 300_000 } },
      { family: 'billing', gate: { enabled: false } },
    ]).families;
    expect([...families.keys()]).toEqual(['order.v2-eu', 'billing']);
    expect(families.get('order.v2-eu')).toEqual({ migratory: true, waves: { bakeMs: 300_000 } });
    expect(() => withFamilies([{ family: 'Order!' }])).toThrow(/^Invalid config: diachronic\.families\[0\]\.family: must be a family name/);
    expect(() => withFamilies([{ family: 'order' }, { family: 'order' }])).toThrow(
      'Invalid config: diachronic.families[1].family: order is configured twice',
    );
    expect(() => withFamilies([{ family: 'order', waves: { percents: [50, 10] } }])).toThrow(
      "Invalid config: diachronic.families[0].waves.percents.1: 10 does not rise above the previous wave's 50",
    );
    expect(() => withFamilies([{ family: 'order', wave: {} }])).toThrow(/^Invalid config: diachronic\.families\[0\]: .*wave/);
    expect(() => withFamilies([{ family: 'order', locked: ['gate', 'speed'] }])).toThrow(/^Invalid config: diachronic\.families\[0\]\.locked\.1: /);
  });

  it('fails at start on a bad gate, naming the key and the problem', () => {
    expect(() => readDiachronicConfig(withGate({ minSamples: -1 }))).toThrow(
      'Invalid config: diachronic.deploymentDefaults.gate.minSamples: must be at least 1',
    );
    expect(() => readDiachronicConfig(withGate({ webhook: { url: 'slo.internal/check' } }))).toThrow(
      'Invalid config: diachronic.deploymentDefaults.gate.webhook.url: must be an http(s) URL',
    );
  });

  it("takes Temporal's web UI for links, and fails at start on one that is not an http(s) URL", () => {
    const withUi = (uiUrl: string) => new ConfigReader({ diachronic: { ...base.diachronic, temporal: { uiUrl } } } as never);
    expect(readDiachronicConfig(withUi('http://localhost:8233/')).temporal.uiUrl).toBe('http://localhost:8233');
    expect(readDiachronicConfig(new ConfigReader(base)).temporal.uiUrl).toBeUndefined();
    expect(() => readDiachronicConfig(withUi('localhost:8233'))).toThrow(
      'diachronic.temporal.uiUrl: must be an http or https URL, got "localhost:8233"',
    );
  });

  it("takes Unleash's admin UI and the flags' project for links, never the server's address, and fails at start on a bad URL", () => {
    const withUnleash = (unleash: object) =>
      readDiachronicConfig(new ConfigReader({ diachronic: { unleash: { ...base.diachronic.unleash, ...unleash } } } as never)).unleash;
    expect(withUnleash({ uiUrl: 'https://unleash.example.com/', project: 'team a' }).projectUiUrl).toBe(
      'https://unleash.example.com/projects/team%20a',
    );
    expect(withUnleash({ uiUrl: 'https://unleash.example.com' }).projectUiUrl).toBe('https://unleash.example.com/projects/default');
    expect(withUnleash({}).projectUiUrl).toBeUndefined();
    expect(() => withUnleash({ uiUrl: 'unleash.example.com' })).toThrow(
      'diachronic.unleash.uiUrl: must be an http or https URL, got "unleash.example.com"',
    );
    // Browsers get the links: no credentials in them.
    expect(() => withUnleash({ uiUrl: 'https://admin:secret@unleash.example.com' })).toThrow('diachronic.unleash.uiUrl: must not hold credentials');
  });

  it('takes which notices each family gets and where, and fails at start on an unknown one or a bad URL', () => {
    const withNotifications = (notifications: unknown) =>
      readDiachronicConfig(new ConfigReader({ diachronic: { ...base.diachronic, notifications } } as never)).notificationsFor;
    expect(readDiachronicConfig(new ConfigReader(base)).notificationsFor('order')).toEqual({
      events: ['dark', 'overridden', 'aborted', 'failed', 'completed', 'stragglers'],
      webhookUrl: undefined,
    });
    const settings = withNotifications({
      events: ['aborted', 'failed'],
      webhookUrl: 'https://chat.example/hook',
      families: [{ family: 'order.eu', events: ['dark'] }],
    });
    expect(settings('billing')).toEqual({ events: ['aborted', 'failed'], webhookUrl: 'https://chat.example/hook' });
    expect(settings('order.eu')).toEqual({ events: ['dark'], webhookUrl: 'https://chat.example/hook' });
    expect(() => withNotifications({ events: ['aborted', 'exploded'] })).toThrow(
      'Invalid config: diachronic.notifications.events: unknown "exploded"; the events are dark, overridden, aborted, failed, completed, stragglers',
    );
    expect(() => withNotifications({ families: [{ family: 'order', webhookUrl: 'ftp://x' }] })).toThrow(
      'Invalid config: diachronic.notifications.families[0].webhookUrl: must be an http or https URL',
    );
  });
});
