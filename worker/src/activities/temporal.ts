/** Activities over Temporal's visibility and signals: counting and sweeping an old version's task queue. */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Router } from '@diachronic/routing';
import { VersionRef } from '@diachronic/contract';
import { searchAttributes } from '@diachronic/contract/temporal';
import { MIGRATE_SIGNAL_NAME, MigrateSignal } from '@diachronic/migrate';
import type { VersionFlags } from '../unleash/version-flags';

export interface TemporalActivityDeps {
  temporal: Client;
  router: Router;
  versionFlags: VersionFlags;
  /** Migrate signals in flight at once. */
  signalConcurrency?: number;
  /** At most how long a sweep waits for the router to see a percentage just set (its refresh interval). */
  routerLagMs?: number;
}

export interface SweepInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
  /** Ids told to migrate by earlier sweeps. */
  remembered: string[];
}

export interface SweepResult {
  /** Ids told to migrate by this sweep. */
  signaled: string[];
  /** Remembered ids still running on the old queue (the rest have left it and are forgotten). */
  stillRunningRemembered: string[];
  /** Workflows running on the old queue, signaled or not. */
  running: number;
  /** The new version's live percentage in Unleash when the sweep began. */
  newLivePercent: number;
}

interface SweepHeartbeat {
  signaled: string[];
}

const runningOn = (taskQueue: string) => `TaskQueue = ${JSON.stringify(taskQueue)} AND ExecutionStatus = "Running"`;

/** A UUID derived from the run: the server drops a second signal with the same request id to that run. */
function signalRequestId(newVersionId: string, runId: string): string {
  const hex = createHash('sha256').update(`diachronic.v1.migrate/${newVersionId}/${runId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createTemporalActivities({
  temporal,
  router,
  versionFlags,
  signalConcurrency = 32,
  routerLagMs = 15_000,
}: TemporalActivityDeps) {
  const namespace = temporal.options.namespace;

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

  return {
    async countRunningOnTaskQueue({ taskQueue }: { taskQueue: string }): Promise<number> {
      const { count } = await temporal.workflow.count(runningOn(taskQueue));
      return count;
    },

    /**
     * Waits up to `graceMs` for the workflows to close by themselves (a cancel was requested), then
     * terminates those still running. Answers which it terminated.
     */
    async stopWorkflows({ workflowIds, graceMs, reason }: { workflowIds: string[]; graceMs: number; reason: string }) {
      const context = Context.current();
      const running = async (workflowId: string) => {
        try {
          return (await temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return false;
          throw error;
        }
      };
      const deadline = Date.now() + graceMs;
      let left = workflowIds;
      while (left.length > 0) {
        context.heartbeat();
        const stillRunning = await Promise.all(left.map(running));
        left = left.filter((_, i) => stillRunning[i]);
        if (left.length === 0 || Date.now() >= deadline) break;
        await context.sleep(250);
      }
      const terminated: string[] = [];
      for (const workflowId of left) {
        try {
          await temporal.workflow.getHandle(workflowId).terminate(reason);
          terminated.push(workflowId);
        } catch (error) {
          // It ended between the last look and the terminate.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      return { terminated };
    },

    /** Whether a deployment workflow ran before, for the family workflow's duplicate check. */
    async describeDeployment({ workflowId }: { workflowId: string }): Promise<{
      status: 'none' | 'running' | 'completed' | 'ended';
      phase?: string;
    }> {
      try {
        const description = await temporal.workflow.getHandle(workflowId).describe();
        const phase = description.typedSearchAttributes.get(searchAttributes.phase);
        const status = description.status.name;
        if (status === 'RUNNING') return { status: 'running', phase };
        if (status === 'COMPLETED') return { status: 'completed', phase };
        return { status: 'ended', phase: phase ?? status.toLowerCase() };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { status: 'none' };
        throw error;
      }
    },

    /**
     * One sweep of the old task queue: tells each running workflow that routing now sends to the new
     * version, and that no earlier sweep told, to migrate. Progress is heartbeated, so a retried attempt
     * skips what it already sent; the signal's request id makes the server drop any repeat as well.
     */
    async sweepOldTaskQueue({ oldVersion, newVersion, remembered }: SweepInput): Promise<SweepResult> {
      const context = Context.current();
      const previousAttempt = context.info.heartbeatDetails as SweepHeartbeat | undefined;
      const signaled = new Set(previousAttempt?.signaled ?? []);
      // Every wait and loop below beats, at most once a second: a sweep may take far longer than the
      // heartbeat timeout, which only a dead worker may exceed.
      let lastBeat = 0;
      const beat = () => {
        if (Date.now() - lastBeat < 1000) return;
        lastBeat = Date.now();
        context.heartbeat({ signaled: [...signaled] } satisfies SweepHeartbeat);
      };

      // Route at the percentage Unleash has now, not at the one the router saw before the last step: wait
      // (up to its refresh interval, twice) until the router sees it.
      const { percent: newLivePercent } = await versionFlags.readLivePercent(newVersion);
      const routerDeadline = Date.now() + routerLagMs;
      while (router.livePercentSeen(newVersion.flag) !== newLivePercent && Date.now() < routerDeadline) {
        beat();
        await context.sleep(100);
      }

      const rememberedIds = new Set(remembered);
      const stillRunningRemembered: string[] = [];
      const target: MigrateSignal = { taskQueue: newVersion.taskQueue, versionId: newVersion.versionId };
      const toSignal: Array<{ workflowId: string; runId: string }> = [];
      let running = 0;

      for await (const execution of temporal.workflow.list({ query: runningOn(oldVersion.taskQueue) })) {
        beat();
        running += 1;
        const { workflowId, runId } = execution;
        if (rememberedIds.has(workflowId)) stillRunningRemembered.push(workflowId);
        else if (!signaled.has(workflowId)) {
          const isTest = execution.typedSearchAttributes.get(searchAttributes.isTest) ?? false;
          if (router.route(newVersion.family, workflowId, { isTest })?.versionId === newVersion.versionId) {
            toSignal.push({ workflowId, runId });
          }
        }
      }

      let next = 0;
      const sender = async () => {
        while (next < toSignal.length) {
          const { workflowId, runId } = toSignal[next++];
          if (await signalMigrate(workflowId, runId, target)) signaled.add(workflowId);
          else running -= 1;
          beat();
        }
      };
      await Promise.all(Array.from({ length: Math.min(signalConcurrency, toSignal.length) }, sender));
      context.heartbeat({ signaled: [...signaled] } satisfies SweepHeartbeat);

      return { signaled: [...signaled], stillRunningRemembered, running, newLivePercent };
    },
  };
}
