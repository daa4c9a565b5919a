/** Activities over Temporal's visibility: counting a task queue, stopping workflows, describing a deployment. */
import { Context } from '@temporalio/activity';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { searchAttributes } from '@diachronic/contract/temporal';

export interface TemporalActivityDeps {
  temporal: Client;
}

const runningOn = (taskQueue: string) => `TaskQueue = ${JSON.stringify(taskQueue)} AND ExecutionStatus = "Running"`;

export function createTemporalActivities({ temporal }: TemporalActivityDeps) {
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
  };
}
