import { WorkflowHandle } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Router } from '@diachronic/routing';
import { VersionRef, versionFlagName, versionTaskQueue } from '@diachronic/contract';
import { searchAttributes } from '@diachronic/contract/temporal';
import { MIGRATE_SIGNAL_NAME, MIGRATION_REQUESTED_SEARCH_ATTRIBUTE } from '@diachronic/migrate';
import { createSweepActivities, SweepResult } from '../../src/activities/sweep';
import type { VersionFlags } from '../../src/unleash/version-flags';
import { finishSignal, sleeper, sleeperStateQuery } from '../fixtures/workflows';
import { Harness, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(120_000);

/**
 * The sweep against the real Temporal server, with routing fixed by the test: it keeps no list of whom
 * it told, yet tells each run once. Runs that acknowledge are not listed again; a run of a library
 * release that does not acknowledge is sent the signal again and the server drops the repeat.
 */
describe('the sweep of an old task queue', () => {
  let h: Harness;
  const started: WorkflowHandle[] = [];

  beforeAll(async () => {
    h = await startHarness({ inProcessWorker: false });
  });

  afterAll(async () => {
    await Promise.all(started.map(handle => handle.signal(finishSignal).catch(() => undefined)));
    await h?.teardown();
  });

  const ref = (family: string, versionId: string, seq: number): VersionRef => ({
    family,
    versionId,
    seq,
    taskQueue: versionTaskQueue(family, versionId),
    flag: versionFlagName(family, seq, versionId),
  });

  it('tells each routed run once, lists acknowledged runs no more, and counts the told from visibility', async () => {
    const family = uniqueFamily();
    const oldVersion = ref(family, uniqueVersionId(), 1);
    const newVersion = ref(family, uniqueVersionId(), 2);
    await h.startVersionWorker(family, oldVersion.versionId);

    // Routing sends ids ending in "-moves" to the new version and keeps the others.
    const router = {
      livePercentSeen: () => 50,
      route: (_family: string, workflowId: string) => (workflowId.endsWith('-moves') ? newVersion : oldVersion),
    } as unknown as Router;
    const versionFlags = { readLivePercent: async () => ({ percent: 50 }) } as unknown as VersionFlags;
    const sweeps = createSweepActivities({ temporal: h.client, router, versionFlags, routerLagMs: 0, pageSize: 2 });
    const sweep = (): Promise<SweepResult> => new MockActivityEnvironment().run(sweeps.sweepOldQueue, { oldVersion, newVersion });

    const start = async (name: string, acknowledges: boolean) => {
      const handle = await h.client.workflow.start(sleeper, {
        taskQueue: oldVersion.taskQueue,
        workflowId: `${family}/${name}`,
        args: [{ holdMs: 3_600_000, acknowledges }],
      });
      started.push(handle);
      return handle;
    };
    const acknowledging = await Promise.all([1, 2, 3].map(i => start(`ack-${i}-moves`, true)));
    const notAcknowledging = await Promise.all([1, 2].map(i => start(`old-library-${i}-moves`, false)));
    const staying = await Promise.all([1, 2].map(i => start(`stays-${i}`, true)));
    const onOldQueue = `TaskQueue = ${JSON.stringify(oldVersion.taskQueue)}`;
    await waitFor('visibility to list all 7', async () => (await h.client.workflow.count(`${onOldQueue} AND ExecutionStatus = "Running"`)).count === 7);

    const first = await sweep();
    expect(first).toMatchObject({ told: 5, sent: 5, running: 7, moved: 0, newLivePercent: 50 });
    // Pages of 2: one acknowledged count, four pages of the seven, one running count, one moved count.
    expect(first.visibilityCalls).toBe(7);

    const acknowledged = `${onOldQueue} AND ${MIGRATION_REQUESTED_SEARCH_ATTRIBUTE} = ${JSON.stringify(newVersion.versionId)}`;
    await waitFor('the three to acknowledge', async () => (await h.client.workflow.count(acknowledged)).count === 3);

    const second = await sweep();
    // Only the runs that cannot acknowledge are sent the signal again.
    expect(second).toMatchObject({ told: 5, sent: 2, running: 7 });

    const signalsReceived = async (handle: WorkflowHandle) => (await handle.query(sleeperStateQuery)).migrateSignals;
    expect(await Promise.all(acknowledging.map(signalsReceived))).toEqual([1, 1, 1]);
    expect(await Promise.all(notAcknowledging.map(signalsReceived))).toEqual([1, 1]);
    expect(await Promise.all(staying.map(signalsReceived))).toEqual([0, 0]);
    // The server dropped the repeat: one signal in the history of a run sent two.
    const history = await notAcknowledging[0].fetchHistory();
    const signals = history.events!.filter(event => event.workflowExecutionSignaledEventAttributes?.signalName === MIGRATE_SIGNAL_NAME);
    expect(signals).toHaveLength(1);

    const described = await acknowledging[0].describe();
    expect(described.typedSearchAttributes.get(searchAttributes.migrationRequested)).toBe(newVersion.versionId);
  });

  it('uses the same search attribute as @diachronic/migrate', () => {
    expect(searchAttributes.migrationRequested.name).toBe(MIGRATION_REQUESTED_SEARCH_ATTRIBUTE);
  });
});
