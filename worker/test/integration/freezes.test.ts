import { WithStartWorkflowOperation } from '@temporalio/client';
import { freezeWorkflowStart, workflowIds } from '@diachronic/contract';
import {
  familyStateQuery,
  freezeAllUpdate,
  freezeFamilyUpdate,
  overrideUpdate,
  unfreezeAllUpdate,
  unfreezeFamilyUpdate,
} from '@diachronic/contract/temporal';
import { fastOptions, Harness, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(180_000);

const ops = { who: 'user:default/ops' };

/**
 * Freezes on the real services: a frozen family starts no queued request and its running deployment holds
 * at its step until the freeze ends (an unfreeze, or its end time); a freeze of every family reaches the
 * running families and those that start later. Each harness is its own installation (task queue), so the
 * freeze of every family here touches no other test.
 */
describe('freezes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.teardown();
  });

  const familyHandle = (family: string) => h.client.workflow.getHandle(workflowIds.family(family));
  const slowSchedule = fastOptions({
    migratory: false,
    schedule: [
      { percent: 10, pauseMs: 600_000 },
      { percent: 100, pauseMs: 0 },
    ],
  });

  it('queues requests of a frozen family, saying why, and starts them when it is unfrozen', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const frozen = await familyHandle(family).executeUpdate(freezeFamilyUpdate, { args: [{ ...ops, why: 'incident 42' }] });
    expect(frozen.freeze).toMatchObject({ scope: 'family', who: ops.who, why: 'incident 42' });

    const v2 = uniqueVersionId();
    expect(await h.deploy(h.request(family, v2, fastOptions({ migratory: false })))).toEqual({
      outcome: 'queued',
      workflowId: workflowIds.deployment(family, v2),
      position: 1,
      reason: 'frozen by user:default/ops (this family): incident 42',
    });
    const state = await familyHandle(family).query(familyStateQuery);
    h.recordHistory('family-frozen', workflowIds.family(family), (await familyHandle(family).describe()).runId);
    expect(state.current).toBeUndefined();
    expect(state.queue.map(entry => entry.versionId)).toEqual([v2]);

    await familyHandle(family).executeUpdate(unfreezeFamilyUpdate, { args: [{ ...ops, why: 'resolved' }] });
    await h.waitForPhase(family, v2, ['completed']);
  });

  it('holds a running deployment at its step while frozen; a freeze with an end thaws by itself; a person may still act (break-glass)', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.deploy(h.request(family, v2, slowSchedule));
    await waitFor('the first step', async () => (await h.state(family, v2)).step?.percent === 10);
    const events = async () => (await h.state(family, v2)).events;

    const until = new Date(Date.now() + 6000).toISOString();
    await familyHandle(family).executeUpdate(freezeFamilyUpdate, { args: [{ ...ops, why: 'release freeze', until }] });
    const thawed = await waitFor('the freeze to end by itself', async () => {
      const all = await events();
      return all.some(event => event.action === 'unfrozen') ? all : undefined;
    });
    const frozenAt = thawed.findIndex(event => event.action === 'frozen');
    const unfrozen = thawed.find(event => event.action === 'unfrozen')!;
    expect(thawed[frozenAt]).toMatchObject({ who: ops.who, why: 'release freeze', detail: `steps and waves hold: frozen by user:default/ops (this family): release freeze, until ${until}` });
    expect(thawed.indexOf(unfrozen)).toBeGreaterThan(frozenAt);
    expect(Date.parse(unfrozen.at)).toBeGreaterThanOrEqual(Date.parse(until));
    expect(unfrozen.detail).toBe('steps and waves go on');

    await familyHandle(family).executeUpdate(freezeFamilyUpdate, { args: [{ ...ops, why: 'incident 43' }] });
    const held = await waitFor('the deployment to hold', async () => {
      const state = await h.state(family, v2);
      return state.frozen ? state : undefined;
    });
    expect(held.frozen).toMatchObject({ scope: 'family', who: ops.who, why: 'incident 43' });
    expect(held.step).toMatchObject({ percent: 10, paused: true });
    const overridden = await h.client.workflow
      .getHandle(workflowIds.deployment(family, v2))
      .executeUpdate(overrideUpdate, { args: [{ ...ops, why: 'hotfix', percent: 30 }] });
    expect(overridden.events.find(event => event.action === 'override')?.detail).toBe(
      'live set to 30%; break-glass during a freeze: frozen by user:default/ops (this family): incident 43',
    );
    // The override stopped the rollout: the deployment ends, and the family stays frozen until unfrozen.
    await h.waitForPhase(family, v2, ['overridden']);
    h.recordHistory('deployment-frozen', workflowIds.deployment(family, v2));
    await familyHandle(family).executeUpdate(unfreezeFamilyUpdate, { args: [{ ...ops }] });
  });

  it('freezes every family of the installation, running ones and those that start later, until unfrozen', async () => {
    const running = uniqueFamily();
    await h.deployInitial(running);
    const v2 = uniqueVersionId();
    await h.deploy(h.request(running, v2, slowSchedule));
    await waitFor('the first step', async () => (await h.state(running, v2)).step?.percent === 10);

    const freezeAll = (update: typeof freezeAllUpdate | typeof unfreezeAllUpdate, args: [{ who: string; why: string }]) => {
      const { workflowType, ...start } = freezeWorkflowStart(h.diachronicTaskQueue);
      return h.client.workflow.executeUpdateWithStart(update, {
        args,
        startWorkflowOperation: new WithStartWorkflowOperation(workflowType, { ...start, args: [...start.args] }),
      });
    };
    expect(await freezeAll(freezeAllUpdate, [{ ...ops, why: 'year-end freeze' }])).toMatchObject({ freeze: { scope: 'global', why: 'year-end freeze' } });
    const held = await waitFor('the running deployment to hold', async () => {
      const state = await h.state(running, v2);
      return state.frozen ? state : undefined;
    });
    expect(held.frozen).toMatchObject({ scope: 'global', why: 'year-end freeze' });

    // A family whose workflow starts during the freeze learns of it first: its request waits.
    const later = uniqueFamily();
    const v1 = uniqueVersionId();
    await h.startVersionWorker(later, v1);
    expect(await h.deploy(h.request(later, v1, fastOptions()))).toMatchObject({
      outcome: 'queued',
      position: 1,
      reason: 'frozen by user:default/ops (all families): year-end freeze',
    });

    await freezeAll(unfreezeAllUpdate, [{ ...ops, why: 'over' }]);
    h.recordHistory('freeze-all', workflowIds.freeze(h.diachronicTaskQueue));
    await h.waitForPhase(later, v1, ['completed']);
    await waitFor('the running deployment to go on', async () => (await h.state(running, v2)).frozen === undefined);
  });
});
