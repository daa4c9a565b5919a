import { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { versionTaskQueue, workflowIds } from '@diachronic/contract';
import { MIGRATE_SIGNAL_NAME } from '@diachronic/migrate';
import { upgradeCheckActivities } from '@diachronic/migrate/upgrade-check';
import { DRY_RUN_ACTOR } from '../../src/workflows/migration';
import { account, closeSignal, upgradeAccount } from '../fixtures/accounts';
import { fastOptions, Harness, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(180_000);

const accounts = require.resolve('../fixtures/accounts');

/**
 * The upgrade dry run on the real services: before any migrate signal, the new version's own worker runs its
 * upgrade on the states a sample of old workflows (the oldest always among them) would carry.
 */
describe('the upgrade dry run', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.teardown();
  });

  /** v1 of an account family deployed, with its worker and Deployment. */
  async function accountFamily() {
    const family = uniqueFamily('account');
    const v1 = uniqueVersionId();
    await h.startVersionWorker(family, v1, { workflowsPath: accounts });
    await h.createWorkerDeployment(family, v1);
    await h.deploy(h.request(family, v1, fastOptions()));
    await h.waitForPhase(family, v1, ['completed']);
    return { family, v1 };
  }

  const runningOn = async (family: string, versionId: string) =>
    (await h.client.workflow.count(`TaskQueue = "${versionTaskQueue(family, versionId)}" AND ExecutionStatus = "Running"`)).count;

  /** Opens the accounts on a version's queue; waits until visibility lists `running` there. */
  async function openAccounts(family: string, versionId: string, holders: string[], running = holders.length) {
    const handles = await Promise.all(
      holders.map(holder =>
        h.client.workflow.start(account, { taskQueue: versionTaskQueue(family, versionId), workflowId: `${family}/${holder}`, args: [{ holder }] }),
      ),
    );
    await waitFor(`visibility to list ${running} accounts`, async () => (await runningOn(family, versionId)) === running);
    return handles;
  }

  /** Migrate signals in the history of the run that was started (the one on the old version). */
  const migrateSignals = async (handle: WorkflowHandleWithFirstExecutionRunId) =>
    ((await h.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory()).events ?? []).filter(
      event => event.workflowExecutionSignaledEventAttributes?.signalName === MIGRATE_SIGNAL_NAME,
    ).length;

  it("stops the migration before any signal when the new version's upgrade throws on the oldest state; new starts still roll out", async () => {
    const { family, v1 } = await accountFamily();
    // The legacy account is the oldest by more than the sampling's one-second precision; the sample of 2
    // (the oldest and the newest of 9) finds it although a sample of the newest would not.
    const legacy = await openAccounts(family, v1, ['legacy-ann']);
    await new Promise(resolve => setTimeout(resolve, 2000));
    const others = await openAccounts(family, v1, ['bob', 'cy', 'di', 'ed', 'flo', 'gil', 'hal', 'ivo'], 9);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2, {
      workflowsPath: accounts,
      activities: upgradeCheckActivities({ account: upgradeAccount }),
    });

    await h.deploy(h.request(family, v2, fastOptions({ upgradeDryRun: { sampleSize: 2 } })));
    const done = await h.waitForPhase(family, v2, ['completed'], 90_000);
    h.recordHistory('deployment-migration-stopped', workflowIds.deployment(family, v2));
    h.recordHistory('migration-dry-run-failed', workflowIds.migration(family, v2));

    expect(done.livePercent).toBe(100);
    expect(done.migration?.stage).toBe('stopped');
    const dryRun = done.migration!.dryRun!;
    expect(dryRun).toMatchObject({ outcome: 'failed', running: 9, sampled: 2, passed: 1, failed: 1, unchecked: 0 });
    expect(dryRun.failures).toEqual([
      {
        workflowId: `${family}/legacy-ann`,
        runId: legacy[0].firstExecutionRunId,
        workflowType: 'account',
        error: 'TypeError: holder legacy-ann has no owner record in v2',
        stateShape: '{ holder: string, openedAt: number }',
      },
    ]);
    expect(done.reason).toBe(`the migration was stopped by the upgrade dry run: ${dryRun.reason}`);
    expect(dryRun.reason).toContain(`${family}/legacy-ann (account): TypeError: holder legacy-ann has no owner record in v2`);
    expect(done.events).toContainEqual(expect.objectContaining({ who: DRY_RUN_ACTOR, action: 'migration stopped', why: dryRun.reason }));

    // Nobody was told, and everyone still runs on v1.
    const all = [...legacy, ...others];
    expect(await Promise.all(all.map(migrateSignals))).toEqual(all.map(() => 0));
    expect(await runningOn(family, v1)).toBe(9);

    // v1 drains by itself: its worker is removed once the last account closed there.
    expect(await h.workerDeployments(family)).toHaveLength(1);
    await Promise.all(all.map(handle => handle.signal(closeSignal)));
    await waitFor('the cleanup to remove v1', async () => (await h.version(family, v1))?.archived === true, { timeoutMs: 60_000 });
    expect(await h.workerDeployments(family)).toEqual([]);
  });

  it('passes when every sampled state upgrades, and says "not checked" when the new worker does not offer the check', async () => {
    const { family, v1 } = await accountFamily();
    const opened = await openAccounts(family, v1, ['jo', 'kai', 'lu']);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2, { workflowsPath: accounts, activities: upgradeCheckActivities({ account: upgradeAccount }) });
    await h.deploy(h.request(family, v2, fastOptions({ upgradeDryRun: {}, drainGuardMs: 500 })));
    const checked = await waitFor('the dry run to pass', async () => {
      const dryRun = (await h.state(family, v2)).migration?.dryRun;
      return dryRun?.outcome === 'passed' ? dryRun : undefined;
    });
    expect(checked).toMatchObject({ running: 3, sampled: 3, passed: 3, failed: 0 });
    // Then they migrate: closed on v2, where they run now.
    await waitFor('the accounts to move to v2', async () => (await runningOn(family, v2)) === 3);
    expect(await Promise.all(opened.map(migrateSignals))).toEqual([1, 1, 1]);
    await Promise.all(opened.map(handle => h.client.workflow.getHandle(handle.workflowId).signal(closeSignal)));
    await h.waitForPhase(family, v2, ['completed'], 60_000);

    // v3's worker registers no activity at all: the check waits for nobody, and the dry run says so.
    const later = await openAccounts(family, v2, ['mo']);
    const v3 = uniqueVersionId();
    await h.startVersionWorker(family, v3, { workflowsPath: accounts });
    await h.deploy(h.request(family, v3, fastOptions({ upgradeDryRun: { timeoutMs: 2000 } })));
    const notChecked = await waitFor('the dry run to give up', async () => {
      const dryRun = (await h.state(family, v3)).migration?.dryRun;
      return dryRun?.outcome === 'not checked' ? dryRun : undefined;
    });
    expect(notChecked.reason).toBe(
      `the upgrade was not checked (1 of 1 sampled workflows): no worker on ${versionTaskQueue(family, v3)} took the upgrade check within 2 s (none runs, or it registers no activities)`,
    );
    // Not a failure: the migration goes on.
    await waitFor('the account to move to v3', async () => (await migrateSignals(later[0])) === 1);
    await h.client.workflow.getHandle(later[0].workflowId).signal(closeSignal);
  });

  it('aborts the whole deployment on a failed dry run when its policy says so', async () => {
    const { family, v1 } = await accountFamily();
    const accountsOnV1 = await openAccounts(family, v1, ['legacy-ned', 'ola']);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2, { workflowsPath: accounts, activities: upgradeCheckActivities({ account: upgradeAccount }) });
    const slow = fastOptions({ schedule: [{ percent: 10, pauseMs: 60_000 }, { percent: 100, pauseMs: 0 }], upgradeDryRun: { onFailure: 'abort' } });
    await h.deploy(h.request(family, v2, slow));
    const aborted = await h.waitForPhase(family, v2, ['aborted']);
    expect(aborted.reason).toMatch(
      new RegExp(`^aborted by diachronic \\(upgrade dry run\\): the upgrade of ${versionTaskQueue(family, v2)} failed on 1 of 2 sampled workflows`),
    );
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 0, darkEnabled: false });
    expect(await Promise.all(accountsOnV1.map(migrateSignals))).toEqual([0, 0]);
    await Promise.all(accountsOnV1.map(handle => handle.signal(closeSignal)));
  });
});
