import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CancelledRequest,
  DeploymentRequest,
  FamilyState,
  Freeze,
  RequestDeploymentResult,
  deploymentRequestProblem,
  workflowIds,
} from '@diachronic/contract';
import {
  cancelQueuedUpdate,
  familyMemo,
  familyStateQuery,
  freezeFamilyUpdate,
  requestDeploymentUpdate,
  searchAttributes,
  unfreezeFamilyUpdate,
} from '@diachronic/contract/temporal';
import { diachronicDeployment } from './deployment';
import { checkFreezeInput, checkUnfreezeInput, freezeText, inForce, makeFreeze, untilThaw } from './freezes';
import { deploymentFreezeSignal, globalFreezeSignal } from './messages';
import { flagActivities, freezeActivities, visibilityActivities } from './proxies';

export interface FamilyInput {
  family: string;
  /** Carried across continue-as-new. */
  queue?: Array<{ request: DeploymentRequest; requestedAt: string }>;
  /** Carried across continue-as-new: the latest cancelled requests. */
  cancelled?: CancelledRequest[];
  /** Carried across continue-as-new: the family's own freeze, and the global one (null: known to be none). */
  familyFreeze?: Freeze;
  globalFreeze?: Freeze | null;
}

/** How many cancelled requests the family keeps, for who cancelled what and why. */
const CANCELLED_KEPT = 20;

// A request of a `latest` queue supersedes those waiting: runs from before queued every request.
const LATEST_WINS_PATCH = 'diachronic-latest-wins';
// Freezes: a new run asks for the global freeze; runs from before know none.
const FREEZES_PATCH = 'diachronic-freezes';
// A rollback deploys a version retired before again; runs from before answered it as a duplicate.
const ROLLBACK_PATCH = 'diachronic-rollback';

/**
 * The one workflow per family that takes deployment requests and runs them one at a time, in order.
 * A request for a version that is already queued, running or deployed is a no-op that says so.
 */
export async function diachronicFamily(input: FamilyInput): Promise<void> {
  const { family } = input;
  const queue = [...(input.queue ?? [])];
  const cancelled = [...(input.cancelled ?? [])];
  let current: FamilyState['current'];
  let checking = Promise.resolve();
  let familyFreeze = input.familyFreeze;
  let globalFreeze = input.globalFreeze;
  /** The freeze in force: the family's own, else the global one. */
  const activeFreeze = (): Freeze | undefined => {
    if (inForce(familyFreeze)) return familyFreeze;
    return inForce(globalFreeze) ? globalFreeze : undefined;
  };
  let freezeShown: Freeze | undefined;

  /** Tells the running deployment and the lists (memo) when the freeze in force changed. */
  const freezeChanged = async () => {
    const freeze = activeFreeze();
    if (JSON.stringify(freeze) === JSON.stringify(freezeShown)) return;
    freezeShown = freeze;
    upsertMemo({ [familyMemo.freeze]: freeze ?? null });
    if (current) {
      // The deployment may be ending: it needs no word then.
      await getExternalWorkflowHandle(current.workflowId)
        .signal(deploymentFreezeSignal, freeze ?? null)
        .catch(() => undefined);
    }
  };

  const publish = () =>
    upsertSearchAttributes([
      { key: searchAttributes.family, value: family },
      { key: searchAttributes.queueLength, value: queue.length },
      ...(current ? [{ key: searchAttributes.versionId, value: current.versionId }] : []),
    ]);

  const familyState = (): FamilyState => ({
    family,
    ...(activeFreeze() && { freeze: activeFreeze() }),
    current,
    queue: queue.map(({ request, requestedAt }) => ({
      versionId: request.versionId,
      requestedBy: request.requestedBy,
      requestedAt,
      request,
    })),
    cancelled,
  });
  setHandler(familyStateQuery, familyState);

  /** Takes a queued request out of the queue, keeping it (bounded) with who took it out and why. */
  const withdraw = (index: number, cancelledBy: CancelledRequest['cancelledBy'], supersededBy?: string) => {
    const [{ request, requestedAt }] = queue.splice(index, 1);
    cancelled.push({
      versionId: request.versionId,
      requestedBy: request.requestedBy,
      requestedAt,
      request,
      cancelledBy,
      cancelledAt: new Date().toISOString(),
      ...(supersededBy !== undefined && { supersededBy }),
    });
    cancelled.splice(0, Math.max(0, cancelled.length - CANCELLED_KEPT));
  };

  setHandler(
    cancelQueuedUpdate,
    ({ versionId, ...actor }) => {
      withdraw(
        queue.findIndex(entry => entry.request.versionId === versionId),
        actor,
      );
      publish();
      return familyState();
    },
    {
      validator: ({ versionId, who }) => {
        if (typeof who !== 'string' || who.length === 0) {
          throw ApplicationFailure.create({ type: 'InvalidRequest', message: 'cancel needs who asked', nonRetryable: true });
        }
        if (!queue.some(entry => entry.request.versionId === versionId)) {
          const why = current?.versionId === versionId ? 'it is running; abort it instead' : 'it is not queued';
          throw ApplicationFailure.create({
            type: 'ActionRefused',
            message: `cancel refused: ${family} ${versionId} ${why}`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    freezeFamilyUpdate,
    async request => {
      familyFreeze = makeFreeze('family', request);
      await freezeChanged();
      return familyState();
    },
    { validator: checkFreezeInput },
  );
  setHandler(
    unfreezeFamilyUpdate,
    async () => {
      familyFreeze = undefined;
      await freezeChanged();
      return familyState();
    },
    { validator: checkUnfreezeInput },
  );
  setHandler(globalFreezeSignal, async freeze => {
    globalFreeze = freeze;
    await freezeChanged();
  });

  const handleRequest = async (request: DeploymentRequest): Promise<RequestDeploymentResult> => {
    const workflowId = workflowIds.deployment(family, request.versionId);
    if (current?.versionId === request.versionId) {
      return { outcome: 'duplicate', workflowId, message: `${family} ${request.versionId} is being deployed now` };
    }
    const position = queue.findIndex(entry => entry.request.versionId === request.versionId);
    if (position !== -1) {
      return { outcome: 'duplicate', workflowId, message: `${family} ${request.versionId} is already queued at position ${position + 1}` };
    }
    const previous = await visibilityActivities.describeDeployment({ workflowId });
    const rollback = request.rollback === true && previous.status === 'completed' && patched(ROLLBACK_PATCH);
    if (rollback) {
      const { retired } = await flagActivities.versionRetired({ family, versionId: request.versionId });
      if (!retired) {
        throw ApplicationFailure.create({
          type: 'InvalidRequest',
          message: `cannot roll back to ${family} ${request.versionId}: it is not retired (its flag still routes, or it was aborted and still drains); abort the newer deployment instead`,
          nonRetryable: true,
        });
      }
    } else if (previous.status === 'running' || previous.status === 'completed') {
      const again = previous.status === 'completed' ? '; to deploy it again, request a rollback (rollback: true)' : '';
      return {
        outcome: 'duplicate',
        workflowId,
        message: `${family} ${request.versionId} was already deployed (${previous.phase ?? previous.status})${again}`,
      };
    }
    if (request.options.queue === 'latest' && queue.length > 0 && patched(LATEST_WINS_PATCH)) {
      const why = `superseded by ${request.versionId} (queue policy: latest)`;
      while (queue.length > 0) withdraw(0, { who: 'diachronic', why }, request.versionId);
    }
    queue.push({ request, requestedAt: new Date().toISOString() });
    publish();
    if (current || queue.length > 1) return { outcome: 'queued', workflowId, position: queue.length };
    const freeze = activeFreeze();
    return freeze ? { outcome: 'queued', workflowId, position: 1, reason: freezeText(freeze) } : { outcome: 'started', workflowId };
  };

  // A new run learns the global freeze before it answers a request or starts a deployment.
  const freezeKnown = { done: globalFreeze !== undefined || !patched(FREEZES_PATCH) };
  setHandler(
    requestDeploymentUpdate,
    request => {
      // One check at a time, so two deliveries of the same webhook cannot both pass the duplicate check.
      const known = () => (freezeKnown.done ? undefined : condition(() => freezeKnown.done));
      const result = checking.then(known).then(() => handleRequest(request));
      checking = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    {
      validator: request => {
        const problem = deploymentRequestProblem(request);
        if (problem) throw ApplicationFailure.create({ type: 'InvalidRequest', message: problem, nonRetryable: true });
        if (request.family !== family) {
          throw ApplicationFailure.create({
            type: 'InvalidRequest',
            message: `request for family ${request.family} sent to the workflow of family ${family}`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  publish();
  if (!freezeKnown.done) {
    globalFreeze ??= await freezeActivities.readGlobalFreeze({ taskQueue: workflowInfo().taskQueue });
    freezeKnown.done = true;
  }
  await freezeChanged();
  for (;;) {
    // A freeze holds the queue; one with an end lets it go by itself then.
    for (let freeze = activeFreeze(); queue.length === 0 || freeze; freeze = activeFreeze()) {
      const thawIn = freeze && untilThaw(freeze);
      if (thawIn === undefined) await condition(() => queue.length > 0 && !activeFreeze());
      else await condition(() => queue.length > 0 && !activeFreeze(), thawIn);
      await freezeChanged();
    }
    const { request } = queue[0];
    current = { versionId: request.versionId, workflowId: workflowIds.deployment(family, request.versionId) };
    queue.shift();
    publish();
    try {
      await executeChild(diachronicDeployment, {
        workflowId: current.workflowId,
        args: [request],
        // A failed deployment may be retried by a new request; a completed one runs again only as a rollback.
        workflowIdReusePolicy: request.rollback ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        // Deployments outlive a reset or termination of this coordinator.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      log.warn('deployment ended without success', { family, versionId: request.versionId, error: String(error) });
    }
    current = undefined;
    publish();
    // Keep the history of this long-lived workflow short: a fresh run after every deployment.
    await condition(allHandlersFinished);
    await continueAsNew<typeof diachronicFamily>({
      family,
      queue: [...queue],
      cancelled,
      ...(familyFreeze && { familyFreeze }),
      ...(globalFreeze !== undefined && { globalFreeze }),
    });
  }
}
