import { DARK_STRATEGY_TITLE, familyGroupId, LIVE_STRATEGY_TITLE } from '@diachronic/contract';
import { UnleashAdminClient } from './admin-client';
import { VersionFlag, VersionFlags } from './version-flags';

// Calls to the real servers: jest's default 5 s is too short on a busy 2-core machine.
jest.setTimeout(60_000);

const url = process.env.UNLEASH_URL!;
const adminToken = process.env.UNLEASH_ADMIN_TOKEN!;
const runId = Date.now();
const families: string[] = [];
/** A family name no other test or run uses; its flags are removed after the tests. */
function newFamily(name: string): string {
  const family = `${name}.${runId}-${families.length}`;
  families.push(family);
  return family;
}

const client = new UnleashAdminClient({ url, adminToken });
const flags = new VersionFlags(client);
const features = '/api/admin/projects/default/features';

interface Strategy {
  id: string;
  title: string;
  disabled: boolean;
  parameters: Record<string, string>;
  constraints: unknown[];
}
async function strategies(flag: string): Promise<Strategy[]> {
  const details = await client.request<{ environments: Array<{ name: string; strategies: Strategy[] }> }>(
    'GET',
    `${features}/${flag}`,
  );
  return details.environments.find(e => e.name === 'development')!.strategies;
}

/** A change made outside Diachronic, as a person in the Unleash UI would. */
async function setRolloutDirectly(flag: string, percent: number) {
  const live = (await strategies(flag)).find(s => s.title === LIVE_STRATEGY_TITLE)!;
  await client.request('PATCH', `${features}/${flag}/environments/development/strategies/${live.id}`, [
    { op: 'replace', path: '/parameters/rollout', value: String(percent) },
  ]);
}

async function versionOf(family: string, versionId: string): Promise<VersionFlag | undefined> {
  return (await flags.listVersions(family, { includeArchived: true })).find(v => v.versionId === versionId);
}

async function ensure(family: string, versionId: string): Promise<VersionFlag> {
  return (await flags.ensureVersionFlag({ family, versionId })).flag;
}

beforeAll(() => {
  if (!url || !adminToken) throw new Error('UNLEASH_URL and UNLEASH_ADMIN_TOKEN not set: run the tests with `npm test`');
});

afterAll(async () => {
  for (const family of families) {
    // Archived, not deleted: the names are unique, and a delete right after the archive races Unleash's listeners.
    for (const version of await flags.listVersions(family)) await flags.archive(version);
  }
});

describe('ensureVersionFlag', () => {
  it('creates the flag with live 0%, dark on, and the metadata in the description', async () => {
    const family = newFamily('pay.ments-eu');
    const { flag, created } = await flags.ensureVersionFlag({ family, versionId: '3f9c2ab', sha: 'a'.repeat(40) });
    expect(created).toBe(true);
    expect(flag).toEqual({
      family,
      versionId: '3f9c2ab',
      seq: 0,
      taskQueue: `${family}@3f9c2ab`,
      flag: `diachronic.${family}.v000000.3f9c2ab`,
      archived: false,
      livePercent: 0,
      darkEnabled: true,
      enabled: true,
      sha: 'a'.repeat(40),
    });
    const byTitle = Object.fromEntries((await strategies(flag.flag)).map(s => [s.title, s]));
    expect(byTitle[LIVE_STRATEGY_TITLE]).toMatchObject({
      parameters: { rollout: '0', stickiness: 'userId', groupId: familyGroupId(family) },
      constraints: [],
    });
    expect(byTitle[DARK_STRATEGY_TITLE]).toMatchObject({
      parameters: { rollout: '100', stickiness: 'default', groupId: familyGroupId(family) },
      constraints: [expect.objectContaining({ contextName: 'isTest', operator: 'IN', values: ['true'] })],
    });
  });

  it('reuses the flag of a version on a re-run, keeping its seq and percentage', async () => {
    const family = newFamily('order');
    const first = await ensure(family, 'abcdef1');
    await flags.setLivePercent(first, { expected: 0, percent: 40 });
    const again = await flags.ensureVersionFlag({ family, versionId: 'abcdef1' });
    expect(again).toEqual({ created: false, flag: { ...first, livePercent: 40 } });
  });

  it('numbers versions per family, counting archived ones, and refuses to reuse an archived version', async () => {
    const family = newFamily('order');
    const other = newFamily('order');
    const [v0, v1] = [await ensure(family, 'aaaaaa0'), await ensure(family, 'aaaaaa1')];
    await flags.archive(v1);
    const v2 = await ensure(family, 'aaaaaa2');
    expect([v0.seq, v1.seq, v2.seq]).toEqual([0, 1, 2]);
    expect((await ensure(other, 'aaaaaa0')).seq).toBe(0);
    await expect(flags.ensureVersionFlag({ family, versionId: 'aaaaaa1' })).rejects.toThrow(
      `version aaaaaa1 of family ${family} was archived`,
    );
    expect((await flags.listVersions(family)).map(v => v.versionId)).toEqual(['aaaaaa0', 'aaaaaa2']);
    expect((await flags.listVersions(family, { includeArchived: true })).map(v => [v.versionId, v.archived])).toEqual([
      ['aaaaaa0', false],
      ['aaaaaa1', true],
      ['aaaaaa2', false],
    ]);
  });

  it('completes a flag whose creation was interrupted', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, 'bbbbbb0');
    const dark = (await strategies(flag.flag)).find(s => s.title === DARK_STRATEGY_TITLE)!;
    await client.request('DELETE', `${features}/${flag.flag}/environments/development/strategies/${dark.id}`);
    await client.request('POST', `${features}/${flag.flag}/environments/development/off`);

    const { flag: completed, created } = await flags.ensureVersionFlag({ family, versionId: 'bbbbbb0' });
    expect(created).toBe(false);
    expect(completed).toEqual(flag);
    expect((await strategies(flag.flag)).map(s => s.title).sort()).toEqual([DARK_STRATEGY_TITLE, LIVE_STRATEGY_TITLE]);
  });

  it('rejects an invalid family or version id before creating anything', async () => {
    const family = newFamily('order');
    await expect(flags.ensureVersionFlag({ family: 'Order Service', versionId: 'abcdef1' })).rejects.toThrow(
      '"Order Service"',
    );
    await expect(flags.ensureVersionFlag({ family, versionId: 'HEAD' })).rejects.toThrow('"HEAD"');
    expect(await flags.listVersions(family, { includeArchived: true })).toEqual([]);
  });
});

describe('previousVersion', () => {
  it('is the newest lower version that is neither archived nor aborted', async () => {
    const family = newFamily('order');
    const [v0, v1, v2, v3] = [
      await ensure(family, 'cccccc0'),
      await ensure(family, 'cccccc1'),
      await ensure(family, 'cccccc2'),
      await ensure(family, 'cccccc3'),
    ];
    expect((await flags.previousVersion(family, v3.seq))?.versionId).toBe(v2.versionId);
    await flags.markAborted(v2, { who: 'user:default/ann', why: 'errors' });
    await flags.archive(v1);
    expect((await flags.previousVersion(family, v3.seq))?.versionId).toBe(v0.versionId);
    expect(await flags.previousVersion(family, v0.seq)).toBeNull();
  });
});

describe('the live percentage', () => {
  it('is set only while it still has the expected value, and tells who changed it otherwise', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, 'dddddd0');
    expect(await flags.setLivePercent(flag, { expected: 0, percent: 10 })).toEqual({ ok: true, eventId: expect.any(Number) });
    const startedAt = Date.now();
    await setRolloutDirectly(flag.flag, 25);

    expect(await flags.setLivePercent(flag, { expected: 10, percent: 20 })).toEqual({ ok: false, seen: 25 });
    const read = await flags.readLivePercent(flag);
    expect(read).toEqual({ percent: 25, changedBy: expect.any(String), changedAt: expect.any(String) });
    expect(Date.parse(read.changedAt!)).toBeGreaterThanOrEqual(startedAt - 1000);

    expect(await flags.setLivePercent(flag, { expected: undefined, percent: 50 })).toEqual({ ok: true });
    expect((await flags.readLivePercent(flag)).percent).toBe(50);
  });

  it('refuses the write when the percentage changes between the read and the write', async () => {
    class InterferingClient extends UnleashAdminClient {
      interfere?: () => Promise<void>;
      async request<T>(method: string, path: string, body?: unknown): Promise<T> {
        const interfere = this.interfere;
        if (method === 'PATCH' && interfere) {
          this.interfere = undefined;
          await interfere();
        }
        return super.request<T>(method, path, body);
      }
    }
    const interfering = new InterferingClient({ url, adminToken });
    const family = newFamily('order');
    const flag = await ensure(family, 'dddddd1');
    interfering.interfere = () => setRolloutDirectly(flag.flag, 35);
    expect(await new VersionFlags(interfering).setLivePercent(flag, { expected: 0, percent: 10 })).toEqual({
      ok: false,
      seen: 35,
    });
    expect((await flags.readLivePercent(flag)).percent).toBe(35);
  });

  it('records its own write in the event log, from which every later change shows, an undone one too', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, 'dddddd2');
    const write = await flags.setLivePercent(flag, { expected: 0, percent: 10 });
    if (!write.ok || write.eventId === undefined) throw new Error(`no event of the write: ${JSON.stringify(write)}`);
    expect(await flags.readLiveChanges(flag, write.eventId)).toEqual({ percent: 10, changes: [] });

    await setRolloutDirectly(flag.flag, 30);
    await setRolloutDirectly(flag.flag, 10);
    const { percent, changes } = await flags.readLiveChanges(flag, write.eventId);
    expect(percent).toBe(10);
    expect(changes.map(({ from, to }) => [from, to])).toEqual([
      [10, 30],
      [30, 10],
    ]);
    expect(changes.every(change => change.eventId > write.eventId! && change.by.length > 0)).toBe(true);
  });

  it('takes a retried write whose first attempt landed as done, not as someone else’s change', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, 'dddddd3');
    const first = await flags.setLivePercent(flag, { expected: 0, percent: 10 });
    expect(await flags.setLivePercent(flag, { expected: 0, percent: 10 })).toEqual(first);
  });

  it('must be an integer from 0 to 100', async () => {
    const flag = { flag: 'diachronic.order.v000000.abcdef1' };
    for (const percent of [-1, 101, 12.5, NaN]) {
      await expect(flags.setLivePercent(flag, { expected: undefined, percent })).rejects.toThrow(
        'must be an integer from 0 to 100',
      );
    }
  });
});

describe('markAborted and archive', () => {
  it('stops new starts and records who aborted, keeping the first mark on a retry', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, 'eeeeee0');
    await flags.setLivePercent(flag, { expected: 0, percent: 30 });
    await flags.markAborted(flag, { who: 'user:default/ann', why: 'error rate' });
    const aborted = await versionOf(family, 'eeeeee0');
    expect(aborted).toMatchObject({
      livePercent: 0,
      darkEnabled: false,
      aborted: { who: 'user:default/ann', why: 'error rate', at: expect.any(String) },
    });
    await flags.markAborted(flag, { who: 'user:default/bob' });
    expect(await versionOf(family, 'eeeeee0')).toEqual(aborted);
  });

  it('archives a flag, and archiving it again is fine', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, 'ffffff0');
    await flags.archive(flag);
    await flags.archive(flag);
    expect(await versionOf(family, 'ffffff0')).toMatchObject({ archived: true, livePercent: 0, enabled: false });
  });
});

describe('versionInUse', () => {
  it('is true while some workflow id can still be routed to the version', async () => {
    const family = newFamily('order');
    const old = await ensure(family, '1111110');
    await flags.setLivePercent(old, { expected: 0, percent: 100 });
    const next = await ensure(family, '1111111');
    const inUse = async () => [await flags.versionInUse(family, old.versionId), await flags.versionInUse(family, next.versionId)];

    expect(await inUse()).toEqual([true, true]); // next takes isTest traffic through its dark strategy
    await flags.setLivePercent(next, { expected: 0, percent: 50 });
    expect(await inUse()).toEqual([true, true]);
    await flags.setLivePercent(next, { expected: 50, percent: 100 });
    expect(await inUse()).toEqual([false, true]); // next takes every id first
    await flags.markAborted(next, { who: 'user:default/ann' });
    expect(await inUse()).toEqual([true, false]);
    await flags.archive(old);
    expect(await inUse()).toEqual([false, false]);
    expect(await flags.versionInUse(family, '9999999')).toBe(false);
  });

  it('is false for a version with live 0% and dark off', async () => {
    const family = newFamily('order');
    const flag = await ensure(family, '2222220');
    await flags.setDarkEnabled(flag, false);
    expect(await flags.versionInUse(family, flag.versionId)).toBe(false);
    await flags.setDarkEnabled(flag, true);
    expect(await flags.versionInUse(family, flag.versionId)).toBe(true);
  });
});
