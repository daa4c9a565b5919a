/** The global freeze's activities: send it to every running family workflow; read it for a family that starts. */
import { Context } from '@temporalio/activity';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { Freeze, workflowIds, workflowTypes } from '@diachronic/contract';
import { globalFreezeQuery } from '@diachronic/contract/temporal';
import { globalFreezeSignal } from '../workflows/messages';

export interface FreezeActivityDeps {
  temporal: Client;
}

/** Family workflows signaled at once. */
const SIGNAL_CONCURRENCY = 16;

export function createFreezeActivities({ temporal }: FreezeActivityDeps) {
  return {
    /** Sends the global freeze (null: none) to every running family workflow of the installation; answers how many. */
    async broadcastGlobalFreeze({ freeze, taskQueue }: { freeze: Freeze | null; taskQueue: string }): Promise<{ families: number }> {
      const context = Context.current();
      const ids: string[] = [];
      for await (const execution of temporal.workflow.list({
        query: `WorkflowType = "${workflowTypes.family}" AND TaskQueue = ${JSON.stringify(taskQueue)} AND ExecutionStatus = "Running"`,
      })) {
        ids.push(execution.workflowId);
      }
      let next = 0;
      const sender = async () => {
        while (next < ids.length) {
          const workflowId = ids[next++];
          context.heartbeat();
          await temporal.workflow
            .getHandle(workflowId)
            .signal(globalFreezeSignal, freeze)
            .catch(error => {
              // Ended meanwhile: its next run asks for the freeze when it starts.
              if (!(error instanceof WorkflowNotFoundError)) throw error;
            });
        }
      };
      await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, ids.length) }, sender));
      return { families: ids.length };
    },

    /** The installation's global freeze in force, for a family workflow that starts (none when nobody froze everything). */
    async readGlobalFreeze({ taskQueue }: { taskQueue: string }): Promise<Freeze | null> {
      try {
        return (await temporal.workflow.getHandle(workflowIds.freeze(taskQueue)).query(globalFreezeQuery)).freeze ?? null;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },
  };
}
