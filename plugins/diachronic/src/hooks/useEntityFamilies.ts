import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EntityFamiliesResponse,
  familiesOf,
  familySignalChannel,
  isTerminalPhase,
} from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../api';
import { PollingOptions, usePolledAsync } from './usePolledAsync';

/** Something is moving: a deployment runs or waits, so the tab refreshes itself. */
export function isFamiliesLive(response: EntityFamiliesResponse): boolean {
  return response.families.some(
    family => family.queue.length > 0 || (family.deployment !== undefined && !isTerminalPhase(family.deployment.phase)),
  );
}

/** The earliest next step of the families' rollouts that is coming (ISO), if any. */
export function nextStepDue(response: EntityFamiliesResponse): string | undefined {
  return response.families
    .map(family => family.deployment)
    .filter(deployment => deployment?.phase === 'rolling_out' && !deployment.step?.paused)
    .map(deployment => deployment!.step?.nextAt)
    .filter((at): at is string => at !== undefined)
    .sort()[0];
}

/**
 * The current entity's families, loaded again when the backend pushes a change of one of them (signals),
 * else at least every 5 s while a deployment runs; right when a rollout's next step is due; every 15 s
 * while none runs, so a deployment started elsewhere shows up without a reload.
 */
export function useEntityFamilies(options: Omit<PollingOptions<EntityFamiliesResponse>, 'shouldPoll'> = {}) {
  const { entity } = useEntity();
  const api = useApi(diachronicApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const signalChannels = familiesOf(entity).map(familySignalChannel);
  return usePolledAsync(() => api.getEntityFamilies({ kind, namespace, name }), [api, kind, namespace, name], {
    idleIntervalMs: 15000,
    maxIntervalMs: 5000,
    dueAt: nextStepDue,
    signalChannels,
    ...options,
    shouldPoll: isFamiliesLive,
  });
}
