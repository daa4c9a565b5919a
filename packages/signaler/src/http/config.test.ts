import { parseFamilies, readSignalerConfig } from './config';

describe('parseFamilies', () => {
  it('maps workflow types to families, which may carry dots and dashes', () => {
    expect(parseFamilies('order=order, payment = pay.ments-eu,')).toEqual({ order: 'order', payment: 'pay.ments-eu' });
  });

  it.each([
    ['an entry without =', 'order', 'expected workflowType=family'],
    ['an invalid family', 'order=Order', 'invalid family name "Order"'],
    ['a type listed twice', 'order=a,order=b', 'listed twice'],
    ['nothing', ' , ', 'no workflow type'],
  ])('refuses %s', (_, value, message) => {
    expect(() => parseFamilies(value)).toThrow(message);
  });
});

describe('readSignalerConfig', () => {
  const env = {
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    // No temporal.toml of the machine running the tests may leak in.
    TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
    UNLEASH_URL: 'http://127.0.0.1:4242',
    UNLEASH_CLIENT_TOKEN: 'default:development.secret',
    DIACHRONIC_FAMILIES: 'order=order',
  };

  it('has defaults for everything but the services and the families', () => {
    expect(readSignalerConfig(env)).toEqual({
      temporal: { connection: { address: '127.0.0.1:7233' }, namespace: 'default' },
      unleash: { url: 'http://127.0.0.1:4242', clientToken: 'default:development.secret', refreshIntervalMs: 15_000 },
      families: { order: 'order' },
      port: 8088,
      host: '127.0.0.1',
      bodyLimit: '4mb',
      updateTimeoutMs: 60_000,
      drainTimeoutMs: 10_000,
    });
  });

  it('reads the optional settings', () => {
    const config = readSignalerConfig({
      ...env,
      TEMPORAL_NAMESPACE: 'prod',
      SIGNALER_PORT: '0',
      SIGNALER_HOST: '0.0.0.0',
      SIGNALER_REFRESH_INTERVAL_MS: '1000',
      SIGNALER_BODY_LIMIT: '1mb',
    });
    expect(config).toMatchObject({
      temporal: { namespace: 'prod' },
      unleash: { refreshIntervalMs: 1000 },
      port: 0,
      host: '0.0.0.0',
      bodyLimit: '1mb',
    });
  });

  it('names what is missing or malformed', () => {
    expect(() => readSignalerConfig({ ...env, UNLEASH_CLIENT_TOKEN: '' })).toThrow('UNLEASH_CLIENT_TOKEN is not set');
    expect(() => readSignalerConfig({ ...env, TEMPORAL_ADDRESS: '' })).toThrow('TEMPORAL_ADDRESS is not set');
    expect(() => readSignalerConfig({ ...env, SIGNALER_PORT: '70000' })).toThrow('SIGNALER_PORT');
    expect(() => readSignalerConfig({ ...env, SIGNALER_REFRESH_INTERVAL_MS: 'soon' })).toThrow('SIGNALER_REFRESH_INTERVAL_MS');
  });
});
