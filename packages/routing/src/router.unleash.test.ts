import {
  DARK_STRATEGY_TITLE,
  encodeFlagMetadata,
  familyGroupId,
  LIVE_STRATEGY_TITLE,
  versionFlagName,
  versionTaskQueue,
  VersionRef,
} from '@diachronic/contract';
import { Router } from './route';

// Calls to the real servers: jest's default 5 s is too short on a busy 2-core machine.
jest.setTimeout(60_000);

const url = process.env.UNLEASH_URL!;
const adminToken = process.env.UNLEASH_ADMIN_TOKEN!;
const clientToken = process.env.UNLEASH_CLIENT_TOKEN!;
const features = '/api/admin/projects/default/features';
const family = `pay.ments-eu-${Date.now()}`;
const ids = Array.from({ length: 2000 }, (_, i) => `${family}/workflow-${i}`);

async function admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: adminToken, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const created: string[] = [];

async function createFlag(name: string, description: string | undefined, { live, dark }: { live: number; dark: boolean }) {
  created.push(name);
  await admin('POST', features, { name, type: 'release', description });
  const strategies = `${features}/${name}/environments/development/strategies`;
  const groupId = familyGroupId(family);
  await admin('POST', strategies, {
    name: 'flexibleRollout',
    title: LIVE_STRATEGY_TITLE,
    parameters: { rollout: String(live), stickiness: 'userId', groupId },
    constraints: [],
  });
  await admin('POST', strategies, {
    name: 'flexibleRollout',
    title: DARK_STRATEGY_TITLE,
    disabled: !dark,
    parameters: { rollout: '100', stickiness: 'default', groupId },
    constraints: [{ contextName: 'isTest', operator: 'IN', values: ['true'] }],
  });
  await admin('POST', `${features}/${name}/environments/development/on`);
}

async function createVersion(seq: number, versionId: string, rollout: { live: number; dark: boolean }) {
  const flag = versionFlagName(family, seq, versionId);
  const taskQueue = versionTaskQueue(family, versionId);
  await createFlag(flag, encodeFlagMetadata({ diachronic: 1, family, seq, versionId, taskQueue }), rollout);
  return { family, versionId, seq, taskQueue, flag };
}

async function patchStrategy(flag: string, title: string, patch: unknown[]) {
  const details = await admin<{ environments: Array<{ name: string; strategies: Array<{ id: string; title: string }> }> }>(
    'GET',
    `${features}/${flag}`,
  );
  const strategy = details.environments.find(e => e.name === 'development')!.strategies.find(s => s.title === title)!;
  await admin('PATCH', `${features}/${flag}/environments/development/strategies/${strategy.id}`, patch);
}

const setLive = (flag: string, percent: number) =>
  patchStrategy(flag, LIVE_STRATEGY_TITLE, [{ op: 'replace', path: '/parameters/rollout', value: String(percent) }]);

/** Polls until `condition` holds: the router sees a change within its refresh interval. */
async function eventually(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('Router against the real Unleash', () => {
  let router: Router;
  let v1: VersionRef;
  let v2: VersionRef;
  const routeAll = (isTest: boolean) => ids.map(id => router.route(family, id, { isTest }));
  const shareOn = (version: VersionRef, isTest = false) =>
    routeAll(isTest).filter(d => d?.flag === version.flag).length / ids.length;

  beforeAll(async () => {
    if (!url || !adminToken || !clientToken) {
      throw new Error('UNLEASH_URL and tokens not set: run the tests with `npm test`');
    }
    v1 = await createVersion(0, 'aaaaaa1', { live: 100, dark: true });
    v2 = await createVersion(1, 'bbbbbb2', { live: 30, dark: true });
    router = await Router.start({ url, clientToken, appName: 'diachronic-routing-test', refreshIntervalMs: 500 });
    // Unleash serves new flags to clients after its next revision check, not at once.
    await eventually(() => router.versions(family).length === 2);
  });

  afterAll(async () => {
    router?.destroy();
    // Archived, not deleted: the names are unique, and a delete right after the archive races Unleash's listeners.
    for (const name of created) await admin('DELETE', `${features}/${name}`).catch(() => undefined);
  });

  let onV2At30: Set<string>;

  it('knows the family versions, oldest first', () => {
    expect(router.versions(family)).toEqual([v1, v2]);
    expect(router.versions('no-such-family')).toEqual([]);
  });

  it('sends about the live percentage to the newest version and everyone else to the previous one', () => {
    const decisions = routeAll(false);
    onV2At30 = new Set(ids.filter((_, i) => decisions[i]?.flag === v2.flag));
    expect(onV2At30.size / ids.length).toBeGreaterThanOrEqual(0.25);
    expect(onV2At30.size / ids.length).toBeLessThanOrEqual(0.35);
    expect(decisions.filter(d => d?.flag !== v2.flag).every(d => d?.flag === v1.flag)).toBe(true);
  });

  it('routes the same id the same way every time', () => {
    expect(routeAll(false)).toEqual(routeAll(false));
  });

  it('sends test traffic to the newest version through its dark strategy', () => {
    expect(shareOn(v2, true)).toBe(1);
  });

  it('only adds ids to the new version when its percentage rises', async () => {
    await setLive(v2.flag, 60);
    await eventually(() => shareOn(v2) > 0.45);
    const onV2At60 = new Set(ids.filter(id => router.route(family, id, { isTest: false })?.flag === v2.flag));
    expect(onV2At60.size / ids.length).toBeGreaterThanOrEqual(0.55);
    expect(onV2At60.size / ids.length).toBeLessThanOrEqual(0.65);
    expect([...onV2At30].filter(id => !onV2At60.has(id))).toEqual([]);
  });

  it('never routes to an archived version', async () => {
    const v3 = await createVersion(2, 'cccccc3', { live: 100, dark: true });
    await eventually(() => shareOn(v3) === 1);
    await admin('DELETE', `${features}/${v3.flag}`);
    await eventually(() => router.versions(family).length === 2);
    expect(shareOn(v3)).toBe(0);
    expect(shareOn(v3, true)).toBe(0);
    expect(router.versions(family)).toEqual([v1, v2]);
  });

  it('ignores flags without Diachronic metadata, even when named or described like a version', async () => {
    const description = encodeFlagMetadata({ diachronic: 1, family, seq: 8, versionId: 'dddddd4', taskQueue: versionTaskQueue(family, 'dddddd4') });
    await createFlag(versionFlagName(family, 9, 'eeeeee5'), undefined, { live: 100, dark: true });
    await createFlag(versionFlagName(family, 10, 'ffffff6'), 'the new payments flow', { live: 100, dark: true });
    await createFlag(`${versionFlagName(family, 8, 'dddddd4')}.clone`, description, { live: 100, dark: true });
    // A change the router does show proves it has fetched the flags created before it.
    await setLive(v2.flag, 100);
    await eventually(() => shareOn(v2) === 1);
    expect(router.versions(family)).toEqual([v1, v2]);
    expect(shareOn(v2, true)).toBe(1);
  });

  it('sends everything to the previous version when the newest has live 0% and dark off', async () => {
    await setLive(v2.flag, 0);
    await patchStrategy(v2.flag, DARK_STRATEGY_TITLE, [{ op: 'replace', path: '/disabled', value: true }]);
    await eventually(() => shareOn(v1, true) === 1);
    expect(shareOn(v1, false)).toBe(1);
  });
});

describe('Router.start', () => {
  it('fails naming the URL when Unleash cannot be reached', async () => {
    await expect(
      Router.start({ url: 'http://127.0.0.1:9', clientToken: 'x', appName: 'diachronic-routing-test' }),
    ).rejects.toThrow(/Unleash at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
  });

  it('fails naming the URL when the token is refused', async () => {
    await expect(
      Router.start({ url, clientToken: 'default:development.not-a-token', appName: 'diachronic-routing-test' }),
    ).rejects.toThrow(url);
  });
});
