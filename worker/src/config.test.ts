import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerConfigFromEnv } from './config';

const unleash = { UNLEASH_URL: 'http://unleash:4242', UNLEASH_ADMIN_TOKEN: '*:*.admin', UNLEASH_CLIENT_TOKEN: 'default:development.client' };
// No temporal.toml of the machine running the tests may leak in.
const noConfigFile = { TEMPORAL_CONFIG_FILE: join(tmpdir(), 'diachronic-no-such-temporal.toml') };

describe('workerConfigFromEnv', () => {
  it('connects to a local dev server by default', () => {
    expect(workerConfigFromEnv({ ...unleash, ...noConfigFile }).temporal).toEqual({
      connection: { address: '127.0.0.1:7233', apiKey: undefined, tls: undefined, metadata: undefined },
      namespace: 'default',
      taskQueue: 'diachronic-ci',
    });
  });

  it("reads Temporal Cloud settings the way Temporal's CLI and SDKs do: an API key implies TLS", () => {
    const { temporal } = workerConfigFromEnv({
      ...unleash,
      ...noConfigFile,
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'payments.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
      DIACHRONIC_TASK_QUEUE: 'diachronic-prod',
    });
    expect(temporal).toEqual({
      connection: expect.objectContaining({ address: 'eu-west-1.aws.api.temporal.io:7233', apiKey: 'secret-key', tls: true }),
      namespace: 'payments.a1b2c',
      taskQueue: 'diachronic-prod',
    });
  });

  it('takes a profile of a temporal.toml, mTLS included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'diachronic-envconfig-'));
    writeFileSync(join(dir, 'client.pem'), 'CERT');
    writeFileSync(join(dir, 'client.key'), 'KEY');
    const file = join(dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.prod]',
        'address = "prod.tmprl.cloud:7233"',
        'namespace = "prod"',
        '[profile.prod.tls]',
        `client_cert_path = "${join(dir, 'client.pem')}"`,
        `client_key_path = "${join(dir, 'client.key')}"`,
        '',
      ].join('\n'),
    );
    const { temporal } = workerConfigFromEnv({ ...unleash, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
    expect(temporal.namespace).toBe('prod');
    expect(temporal.connection.address).toBe('prod.tmprl.cloud:7233');
    expect(temporal.connection.tls).toMatchObject({
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });

  it('names what is missing or malformed', () => {
    expect(() => workerConfigFromEnv({ ...noConfigFile })).toThrow('UNLEASH_URL is not set');
    expect(() => workerConfigFromEnv({ ...unleash, ...noConfigFile, DIACHRONIC_ROUTER_REFRESH_MS: 'soon' })).toThrow(
      'DIACHRONIC_ROUTER_REFRESH_MS=soon is not a positive whole number',
    );
    expect(() => workerConfigFromEnv({ ...unleash, ...noConfigFile, DIACHRONIC_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(
      'DIACHRONIC_MAX_CACHED_WORKFLOWS=-1 is not a positive whole number',
    );
    expect(workerConfigFromEnv({ ...unleash, ...noConfigFile, DIACHRONIC_MAX_CACHED_WORKFLOWS: '200' }).maxCachedWorkflows).toBe(200);
  });
});
