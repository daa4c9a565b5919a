/**
 * The migration's sweep: tells the workflows running on an old version's task queue to migrate, each run
 * once, without a list of who was told anywhere (not in workflow state, not in a payload), so that a
 * sweep's cost in state is the same for ten workflows and for a million.
 *
 * - Each migrate signal carries a request id derived from the run and the target version: the server
 *   drops a repeat to that run, whoever sends it (a retried attempt, a later sweep, a restarted worker).
 * - A run acknowledges the signal by setting the search attribute `DiachronicMigrationRequested`
 *   (`@diachronic/migrate`); sweeps list only runs that have not, so a repeat is sent only to a run that
 *   had no chance yet to acknowledge.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Router } from '@diachronic/routing';
import { VersionRef } from '@diachronic/contract';
import { searchAttributes } from '@diachronic/contract/temporal';
import { MIGRATE_SIGNAL_NAME, MigrateSignal } from '@diachronic/migrate';
import type { VersionFlags } from '../unleash/version-flags';

export interface SweepActivityDeps {
  temporal: Client;
  router: Router;
  versionFlags: VersionFlags;
  /** Migrate signals in flight at once. */
  signalConcurrency?: number;
  /** At most how long a sweep waits for the router to see a percentage just set (its refresh interval). */
  routerLagMs?: number;
  /** Workflows per visibility page. */
  pageSize?: number;
}

export interface SweepInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
}

export interface SweepResult {
  /**
   * Runs on the old queue told to migrate to the new version: those that acknowledged (running or not)
   * and those this sweep told that had not acknowledged yet.
   */
  told: number;
  /** Signals this sweep sent, repeats that the server dropped included. */
  sent: number;
  /** Workflows running on the old queue when the sweep ended, told or not. */
  running: number;
  /** The new version's live percentage in Unleash when the sweep began. */
  newLivePercent: number;
  /** Calls to Temporal's visibility this sweep made: pages listed and counts. */
  visibilityCalls: number;
}

/** What the migration workflow's first releases received; still answered for runs that started then. */
export interface LegacySweepResult {
  signaled: string[];
  stillRunningRemembered: string[];
  running: number;
  newLivePercent: number;
}

type ExecutionInfo = NonNullable<
  Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions']
>[number];

const RUNNING = 'ExecutionStatus = "Running"';
const onQueue = (taskQueue: string) => `TaskQueue = ${JSON.stringify(taskQueue)}`;
const requestedKey = searchAttributes.migrationRequested.name;

/** A UUID derived from the run: the server drops a second signal with the same request id to that run. */
export function signalRequestId(newVersionId: string, runId: string): string {
  const hex = createHash('sha256').update(`diachronic.v1.migrate/${newVersionId}/${runId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createSweepActivities({
  temporal,
  router,
  versionFlags,
  signalConcurrency = 32,
  routerLagMs = 15_000,
  pageSize = 1000,
}: SweepActivityDeps) {
  const namespace = temporal.options.namespace;
  let acknowledgementSupported = false;

  /** Whether the namespace has the acknowledgement's search attribute (asked until it has). */
  const supportsAcknowledgement = async (): Promise<boolean> => {
    if (!acknowledgementSupported) {
      const { customAttributes } = await temporal.connection.operatorService.listSearchAttributes({ namespace });
      acknowledgementSupported = Object.hasOwn(customAttributes ?? {}, requestedKey);
    }
    return acknowledgementSupported;
  };

  async function count(query: string): Promise<number> {
    const { count: n } = await temporal.workflow.count(query);
    return n;
  }

  async function signalMigrate(workflowId: string, runId: string, target: MigrateSignal): Promise<boolean> {
    try {
      await temporal.workflowService.signalWorkflowExecution({
        namespace,
        workflowExecution: { workflowId, runId },
        signalName: MIGRATE_SIGNAL_NAME,
        input: { payloads: [defaultPayloadConverter.toPayload(target)] },
        identity: 'diachronic-migration',
        requestId: signalRequestId(target.versionId, runId),
      });
      return true;
    } catch (error) {
      // The run ended between listing and signaling: it no longer runs on the old queue.
      if ((error as { code?: number }).code === 5 /* NOT_FOUND */) return false;
      throw error;
    }
  }

  const isTestOf = (execution: ExecutionInfo): boolean => {
    const payload = execution.searchAttributes?.indexedFields?.[searchAttributes.isTest.name];
    return payload ? defaultPayloadConverter.fromPayload(payload) === true : false;
  };

  async function sweepOldQueue({ oldVersion, newVersion }: SweepInput): Promise<SweepResult> {
    const context = Context.current();
    // Every wait and loop below beats, at most once a second: a sweep may take far longer than the
    // heartbeat timeout, which only a dead worker may exceed.
    let lastBeat = 0;
    let sent = 0;
    const beat = () => {
      if (Date.now() - lastBeat < 1000) return;
      lastBeat = Date.now();
      context.heartbeat({ sent });
    };

    // Route at the percentage Unleash has now, not at the one the router saw before the last step: wait
    // (up to its refresh interval) until the router sees it.
    const { percent: newLivePercent } = await versionFlags.readLivePercent(newVersion);
    const routerDeadline = Date.now() + routerLagMs;
    while (router.livePercentSeen(newVersion.flag) !== newLivePercent && Date.now() < routerDeadline) {
      beat();
      await context.sleep(100);
    }

    const acknowledge = await supportsAcknowledgement();
    const target: MigrateSignal = { taskQueue: newVersion.taskQueue, versionId: newVersion.versionId };
    if (acknowledge) target.acknowledge = true;
    const requested = JSON.stringify(newVersion.versionId);
    let visibilityCalls = 0;
    // Counted before listing: a run that acknowledges meanwhile is counted by the next sweep, never twice.
    const acknowledged = acknowledge ? await count(`${onQueue(oldVersion.taskQueue)} AND ${requestedKey} = ${requested}`) : 0;
    if (acknowledge) visibilityCalls += 1;

    const unacknowledged = acknowledge
      ? `${onQueue(oldVersion.taskQueue)} AND ${RUNNING} AND (${requestedKey} IS NULL OR ${requestedKey} != ${requested})`
      : `${onQueue(oldVersion.taskQueue)} AND ${RUNNING}`;
    const listPage = (nextPageToken?: Uint8Array | null) => {
      visibilityCalls += 1;
      return temporal.workflowService.listWorkflowExecutions({ namespace, query: unacknowledged, pageSize, nextPageToken });
    };

    let toldNow = 0;
    const tell = async (executions: ExecutionInfo[]) => {
      let next = 0;
      const sender = async () => {
        while (next < executions.length) {
          const { workflowId, runId } = executions[next++].execution!;
          if (await signalMigrate(workflowId!, runId!, target)) toldNow += 1;
          sent += 1;
          beat();
        }
      };
      await Promise.all(Array.from({ length: Math.min(signalConcurrency, executions.length) }, sender));
    };

    // One page in memory at a time; the next page is fetched while this one is told.
    let page = await listPage();
    for (;;) {
      beat();
      const routed = (page.executions ?? []).filter(
        execution =>
          router.route(newVersion.family, execution.execution!.workflowId!, { isTest: isTestOf(execution) })?.versionId ===
          newVersion.versionId,
      );
      const token = page.nextPageToken;
      const nextPage = token && token.length > 0 ? listPage(token) : undefined;
      // An unhandled rejection of the prefetch must not outlive a failed tell.
      nextPage?.catch(() => undefined);
      await tell(routed);
      if (!nextPage) break;
      page = await nextPage;
    }

    const running = await count(`${onQueue(oldVersion.taskQueue)} AND ${RUNNING}`);
    visibilityCalls += 1;
    context.heartbeat({ sent });
    return { told: acknowledged + toldNow, sent, running, newLivePercent, visibilityCalls };
  }

  return {
    sweepOldQueue,

    /**
     * The sweep as the migration workflow's first releases scheduled it (with the ids it remembered). A
     * run that started then may still schedule it once after an upgrade; it then continues on the new sweep.
     */
    async sweepOldTaskQueue(input: SweepInput & { remembered?: string[] }): Promise<LegacySweepResult> {
      const { running, newLivePercent } = await sweepOldQueue(input);
      return { signaled: [], stillRunningRemembered: input.remembered ?? [], running, newLivePercent };
    },
  };
}
