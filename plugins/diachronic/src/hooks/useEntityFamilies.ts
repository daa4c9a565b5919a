import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityFamiliesResponse, isTerminalPhase } from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../api';
import { PollingOptions, usePolledAsync } from './usePolledAsync';

/** Something is moving: a deployment runs or waits, so the tab refreshes itself. */
export function isFamiliesLive(response: EntityFamiliesResponse): boolean {
  return response.families.some(
    family => family.queue.length > 0 || (family.deployment !== undefined && !isTerminalPhase(family.deployment.phase)),
  );
}

/**
 * The current entity's families, refreshed with backoff while a deployment runs, and every 15 s while
 * none does, so a deployment started by a webhook shows up without a reload.
 */
export function useEntityFamilies(options: Omit<PollingOptions<EntityFamiliesResponse>, 'shouldPoll'> = {}) {
  const { entity } = useEntity();
  const api = useApi(diachronicApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  return usePolledAsync(() => api.getEntityFamilies({ kind, namespace, name }), [api, kind, namespace, name], {
    idleIntervalMs: 15000,
    ...options,
    shouldPoll: isFamiliesLive,
  });
}
