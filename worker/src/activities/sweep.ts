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
import { cutText, STRAGGLERS_SHOWN, Straggler, StragglerReport, VersionRef } from '@diachronic/contract';
import { searchAttributes } from '@diachronic/contract/temporal';
import { MIGRATE_SIGNAL_NAME, MigrateSignal, migrationStatusQuery } from '@diachronic/migrate';
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
  /** Told workflows a look for stragglers asks (one status query each). */
  stragglerSample?: number;
}

export interface StragglerInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
  olderThanMs: number;
}

/** How long a look for stragglers waits for one workflow's status query (its worker answers it). */
const STATUS_QUERY_TIMEOUT_MS = 5000;
const STRAGGLER_QUERY_CONCURRENCY = 8;
/** Characters of one blocked-by reason a report carries. */
const BLOCKED_BY_CHARS = 200;

export interface SweepInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
  /**
   * Stop once this many runs on the old queue have been told in all, the acknowledged ones counted first (a
   * wave's target; 0 tells nobody): a retried sweep does not tell more than its first attempt might have.
   * Absent: everyone routing sends to the new version.
   */
  tellUpTo?: number;
  /** Migrate signals per second at most (absent: as fast as the concurrency allows). */
  signalsPerSecond?: number;
}

export interface SweepResult {
  /**
   * Runs on the old queue told to migrate to the new version: those that acknowledged (running or not)
   * and those this sweep told that had not acknowledged yet.
   */
  told: number;
  /** Signals this sweep sent, repeats that the server dropped included. */
  sent: number;
  /** Of `told`, those this sweep told. */
  toldNow: number;
  /**
   * Runs on the old queue that routing sends to the new version and that had not acknowledged when listed
   * (told by this sweep or left for a later one): with the acknowledged ones, what routing lets move.
   */
  routable: number;
  /** Whether runs acknowledge the signal here (the namespace has DiachronicMigrationRequested): told ones are counted. */
  acknowledges: boolean;
  /** Workflows running on the old queue when the sweep ended, told or not. */
  running: number;
  /**
   * Told runs that have left the old queue by continuing as new (how a migratable workflow moves): counted
   * where runs acknowledge, absent where they do not.
   */
  moved?: number;
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
const CONTINUED_AS_NEW = 'ExecutionStatus = "ContinuedAsNew"';
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
  stragglerSample = 50,
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

  async function sweepOldQueue({ oldVersion, newVersion, tellUpTo, signalsPerSecond }: SweepInput): Promise<SweepResult> {
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
    const budget = tellUpTo === undefined ? undefined : Math.max(0, tellUpTo - acknowledged);

    const unacknowledged = acknowledge
      ? `${onQueue(oldVersion.taskQueue)} AND ${RUNNING} AND (${requestedKey} IS NULL OR ${requestedKey} != ${requested})`
      : `${onQueue(oldVersion.taskQueue)} AND ${RUNNING}`;
    const listPage = (nextPageToken?: Uint8Array | null) => {
      visibilityCalls += 1;
      return temporal.workflowService.listWorkflowExecutions({ namespace, query: unacknowledged, pageSize, nextPageToken });
    };

    let toldNow = 0;
    let routable = 0;
    // The rate limit: each send takes the next free slot; the senders share them.
    let nextSlot = 0;
    const pace = async () => {
      if (signalsPerSecond === undefined) return;
      const slot = Math.max(Date.now(), nextSlot);
      nextSlot = slot + 1000 / signalsPerSecond;
      while (Date.now() < slot) {
        beat();
        await context.sleep(Math.min(1000, slot - Date.now()));
      }
    };
    const tell = async (executions: ExecutionInfo[]) => {
      let next = 0;
      const sender = async () => {
        while (next < executions.length) {
          const { workflowId, runId } = executions[next++].execution!;
          await pace();
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
      routable += routed.length;
      const token = page.nextPageToken;
      const nextPage = token && token.length > 0 ? listPage(token) : undefined;
      // An unhandled rejection of the prefetch must not outlive a failed tell.
      nextPage?.catch(() => undefined);
      // Past the budget the listing goes on: it counts what routing lets move.
      await tell(budget === undefined ? routed : routed.slice(0, Math.max(0, budget - sent)));
      if (!nextPage) break;
      page = await nextPage;
    }

    const running = await count(`${onQueue(oldVersion.taskQueue)} AND ${RUNNING}`);
    visibilityCalls += 1;
    const moved = acknowledge ? await count(`${onQueue(oldVersion.taskQueue)} AND ${requestedKey} = ${requested} AND ${CONTINUED_AS_NEW}`) : undefined;
    if (acknowledge) visibilityCalls += 1;
    context.heartbeat({ sent });
    return {
      told: acknowledged + toldNow,
      toldNow,
      sent,
      routable,
      acknowledges: acknowledge,
      running,
      ...(moved !== undefined && { moved }),
      newLivePercent,
      visibilityCalls,
    };
  }

  /**
   * Workflows told to migrate at least `olderThanMs` ago that still run on the old queue. Told ones are
   * those that acknowledged (`DiachronicMigrationRequested` = the new version); a sample of them (the
   * first `stragglerSample` that visibility lists) is asked the migration status query, which says when
   * each was told and what holds it. Cost: one count, one list, the sample's queries.
   */
  async function findStragglers({ oldVersion, newVersion, olderThanMs }: StragglerInput): Promise<StragglerReport> {
    const checkedAt = new Date();
    const report: StragglerReport = {
      checkedAt: checkedAt.toISOString(),
      olderThanMs,
      method: 'acknowledged sample',
      toldStillRunning: 0,
      sampled: 0,
      unanswered: 0,
      stragglers: [],
    };
    if (!(await supportsAcknowledgement())) {
      return { ...report, method: 'not checked: the namespace lacks DiachronicMigrationRequested' };
    }
    const told = `${onQueue(oldVersion.taskQueue)} AND ${RUNNING} AND ${requestedKey} = ${JSON.stringify(newVersion.versionId)}`;
    report.toldStillRunning = await count(told);
    if (report.toldStillRunning === 0) return report;
    const { executions } = await temporal.workflowService.listWorkflowExecutions({ namespace, query: told, pageSize: stragglerSample });
    const sample = (executions ?? []).slice(0, stragglerSample).map(execution => execution.execution!);
    report.sampled = sample.length;

    const found: Straggler[] = [];
    let next = 0;
    const asker = async () => {
      while (next < sample.length) {
        const { workflowId, runId } = sample[next++];
        const status = await temporal
          .withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
            temporal.workflow.getHandle(workflowId!, runId!).query(migrationStatusQuery),
          )
          .catch(() => undefined);
        if (!status) {
          report.unanswered += 1;
          continue;
        }
        const requestedAt = status.requestedAt;
        if (!status.waiting || typeof requestedAt !== 'number' || checkedAt.getTime() - requestedAt < olderThanMs) continue;
        found.push({
          workflowId: workflowId!,
          runId: runId!,
          toldAt: new Date(requestedAt).toISOString(),
          blockedBy: (Array.isArray(status.blockedBy) ? status.blockedBy : []).slice(0, 5).map(reason => cutText(String(reason), BLOCKED_BY_CHARS)),
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(STRAGGLER_QUERY_CONCURRENCY, sample.length) }, asker));
    report.stragglers = found
      .sort((a, b) => a.toldAt.localeCompare(b.toldAt) || a.workflowId.localeCompare(b.workflowId))
      .slice(0, STRAGGLERS_SHOWN);
    return report;
  }

  return {
    sweepOldQueue,
    findStragglers,

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
