import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Freeze } from '@diachronic/contract';
import { freezeAllUpdate, globalFreezeQuery, unfreezeAllUpdate } from '@diachronic/contract/temporal';
import { checkFreezeInput, checkUnfreezeInput, inForce, makeFreeze } from './freezes';
import { freezeActivities } from './proxies';

export interface FreezeInput {
  /** Carried across continue-as-new. */
  freeze?: Freeze;
}

/**
 * The one workflow of an installation (its worker's task queue) that holds the global freeze (every
 * family): operators set and end it with updates, and each change is sent to every running family workflow
 * of the installation (families that start later ask for it).
 */
export async function diachronicFreeze(input: FreezeInput): Promise<void> {
  let freeze = input.freeze;
  /** Changes made and changes sent to the families. */
  const count = { changes: 0, sent: 0 };
  const state = () => (inForce(freeze) ? { freeze } : {});
  setHandler(globalFreezeQuery, state);
  setHandler(
    freezeAllUpdate,
    request => {
      freeze = makeFreeze('global', request);
      count.changes += 1;
      return state();
    },
    { validator: checkFreezeInput },
  );
  setHandler(
    unfreezeAllUpdate,
    () => {
      freeze = undefined;
      count.changes += 1;
      return state();
    },
    { validator: checkUnfreezeInput },
  );

  const unsent = () => count.sent !== count.changes;
  for (;;) {
    await condition(() => unsent() || workflowInfo().continueAsNewSuggested);
    if (unsent()) {
      const sending = count.changes;
      await freezeActivities.broadcastGlobalFreeze({ freeze: inForce(freeze) ? freeze : null, taskQueue: workflowInfo().taskQueue });
      count.sent = sending;
    }
    if (workflowInfo().continueAsNewSuggested && !unsent()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof diachronicFreeze>({ ...(freeze && { freeze }) });
    }
  }
}
