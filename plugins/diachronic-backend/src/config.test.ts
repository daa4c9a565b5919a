import { ConfigReader } from '@backstage/config';
import { readDiachronicConfig } from './config';

const base = { diachronic: { unleash: { url: 'http://unleash:4242', clientToken: 'token' } } };
const withGate = (gate: unknown) =>
  new ConfigReader({ diachronic: { ...base.diachronic, deploymentDefaults: { gate } } } as never);

describe('readDiachronicConfig', () => {
  it('guards every deployment with the gate by default, and takes the configured one', () => {
    expect(readDiachronicConfig(new ConfigReader(base)).deploymentDefaults.gate).toEqual({});
    expect(readDiachronicConfig(withGate({ maxFailedPercent: 2, onFailure: 'pause' })).deploymentDefaults.gate).toEqual({
      maxFailedPercent: 2,
      onFailure: 'pause',
    });
    expect(readDiachronicConfig(withGate({ enabled: false })).deploymentDefaults.gate).toEqual({ enabled: false });
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
});
