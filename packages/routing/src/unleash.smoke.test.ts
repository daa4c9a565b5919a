import { Unleash } from 'unleash-client';

// Calls to the real servers: jest's default 5 s is too short on a busy 2-core machine.
jest.setTimeout(60_000);

/** A flag created through the admin API of the Unleash started by the repo scripts, read by unleash-client. */
describe('the Unleash server started by the repo scripts', () => {
  const url = process.env.UNLEASH_URL;
  const adminToken = process.env.UNLEASH_ADMIN_TOKEN;
  const clientToken = process.env.UNLEASH_CLIENT_TOKEN;
  const flag = `smoke.routing.${process.pid}.${Date.now()}`;
  let client: Unleash | undefined;

  async function admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${url}/api/admin/projects/default/features${path}`, {
      method,
      headers: { Authorization: adminToken!, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  }

  beforeAll(() => {
    if (!url || !adminToken || !clientToken) {
      throw new Error('UNLEASH_URL and tokens not set: run the tests with `npm test`');
    }
  });

  afterAll(async () => {
    client?.destroy();
    await admin('DELETE', `/${flag}`).catch(() => undefined);
  });

  it('evaluates a 40% flexible rollout locally, sticky on the user id', async () => {
    await admin('POST', '', { name: flag, type: 'release' });
    await admin('POST', `/${flag}/environments/development/strategies`, {
      name: 'flexibleRollout',
      parameters: { rollout: '40', stickiness: 'userId', groupId: 'smoke' },
      constraints: [],
    });
    await admin('POST', `/${flag}/environments/development/on`);

    client = new Unleash({
      url: `${url}/api`,
      appName: 'diachronic-smoke',
      customHeaders: { Authorization: clientToken! },
      refreshInterval: 1000,
      disableMetrics: true,
    });
    // The first fetch may predate the flag's last change (Unleash serves clients from a cache that
    // refreshes asynchronously): wait until this client evaluates the flag as it now stands.
    const deadline = Date.now() + 15_000;
    while (!client.getFeatureToggleDefinition(flag)?.enabled || client.getFeatureToggleDefinition(flag)?.strategies?.length !== 1) {
      if (Date.now() > deadline) throw new Error(`unleash-client never saw ${flag} enabled with its strategy`);
      await new Promise(wake => setTimeout(wake, 100));
    }

    const ids = Array.from({ length: 2000 }, (_, i) => `order-${i}`);
    const enabled = ids.filter(id => client!.isEnabled(flag, { userId: id }));
    expect(enabled.length / ids.length).toBeGreaterThan(0.35);
    expect(enabled.length / ids.length).toBeLessThan(0.45);
    expect(ids.filter(id => client!.isEnabled(flag, { userId: id }))).toEqual(enabled);
  });
});
