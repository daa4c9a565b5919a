/**
 * The sample of old workflows the upgrade dry run checks: the newest and, always, the oldest runs on the
 * old queue. Visibility lists running workflows newest first and cannot sort the other way, so the oldest
 * are found by bisecting on the start time with counts: a bounded number of calls whatever runs there.
 */
import { Client } from '@temporalio/client';
import type { VersionRef } from '@diachronic/contract';

export interface UpgradeSampleDeps {
  temporal: Client;
}

export interface UpgradeSampleInput {
  oldVersion: VersionRef;
  size: number;
}

export interface UpgradeSample {
  /** Workflows running on the old queue. */
  running: number;
  /** The sampled runs: the oldest half (oldest first), then the newest. */
  workflows: Array<{ workflowId: string; runId: string }>;
  /** Visibility calls the sample took. */
  visibilityCalls: number;
}

/** The bisection stops once a window holds at most this many times the runs wanted, or spans a second. */
const WINDOW_SLACK = 4;
/** Runs listed at most from the last window (more started within its second: the oldest of these are taken). */
const MAX_WINDOW = 1000;
const SECOND_MS = 1000;
/** Looks back at most this far (about 68 years) for the oldest run. */
const MAX_DOUBLINGS = 40;

export function createUpgradeSampleActivities({ temporal }: UpgradeSampleDeps) {
  const namespace = temporal.options.namespace;

  async function sampleOldWorkflows({ oldVersion, size }: UpgradeSampleInput): Promise<UpgradeSample> {
    let visibilityCalls = 0;
    const running = `TaskQueue = ${JSON.stringify(oldVersion.taskQueue)} AND ExecutionStatus = "Running"`;
    const count = async (query: string) => {
      visibilityCalls += 1;
      return (await temporal.workflow.count(query)).count;
    };
    const list = async (query: string, pageSize: number) => {
      visibilityCalls += 1;
      const { executions } = await temporal.workflowService.listWorkflowExecutions({ namespace, query, pageSize });
      return (executions ?? []).map(execution => ({
        workflowId: execution.execution!.workflowId!,
        runId: execution.execution!.runId!,
        startedAt: Number(execution.startTime?.seconds ?? 0) * 1000 + Math.floor((execution.startTime?.nanos ?? 0) / 1e6),
      }));
    };
    const startedBy = (ms: number) => `${running} AND StartTime <= ${JSON.stringify(new Date(ms).toISOString())}`;

    const total = await count(running);
    if (total === 0) return { running: 0, workflows: [], visibilityCalls };
    if (total <= size) {
      const all = await list(running, size);
      return { running: total, workflows: all.map(({ workflowId, runId }) => ({ workflowId, runId })), visibilityCalls };
    }

    const oldestWanted = Math.ceil(size / 2);
    const newest = size > oldestWanted ? await list(running, size - oldestWanted) : [];
    // The latest time by which fewer than `oldestWanted` had started, and one by which enough had.
    const now = Date.now();
    let enough = now;
    let startedByEnough = total;
    let tooFew: number | undefined;
    for (let span = 60_000, i = 0; i < MAX_DOUBLINGS && tooFew === undefined; span *= 2, i++) {
      const at = now - span;
      const started = await count(startedBy(at));
      if (started < oldestWanted) tooFew = at;
      else [enough, startedByEnough] = [at, started];
    }
    for (let low = tooFew ?? 0; enough - low > SECOND_MS; ) {
      const middle = Math.floor((low + enough) / 2);
      const started = await count(startedBy(middle));
      if (started < oldestWanted) low = middle;
      else {
        [enough, startedByEnough] = [middle, started];
        if (started <= oldestWanted * WINDOW_SLACK) break;
      }
    }
    const window = await list(startedBy(enough), Math.min(MAX_WINDOW, startedByEnough));
    const oldest = window.sort((a, b) => a.startedAt - b.startedAt || a.workflowId.localeCompare(b.workflowId)).slice(0, oldestWanted);
    const seen = new Set(oldest.map(run => run.runId));
    const workflows = [...oldest, ...newest.filter(run => !seen.has(run.runId))].map(({ workflowId, runId }) => ({ workflowId, runId }));
    return { running: total, workflows, visibilityCalls };
  }

  return { sampleOldWorkflows };
}
