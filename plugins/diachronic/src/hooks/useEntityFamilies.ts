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

/**
 * The current entity's families, loaded again when the backend pushes a change of one of them (signals),
 * else with backoff while a deployment runs; every 15 s while none does, so a deployment started
 * elsewhere shows up without a reload.
 */
export function useEntityFamilies(options: Omit<PollingOptions<EntityFamiliesResponse>, 'shouldPoll'> = {}) {
  const { entity } = useEntity();
  const api = useApi(diachronicApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const signalChannels = familiesOf(entity).map(familySignalChannel);
  return usePolledAsync(() => api.getEntityFamilies({ kind, namespace, name }), [api, kind, namespace, name], {
    idleIntervalMs: 15000,
    signalChannels,
    ...options,
    shouldPoll: isFamiliesLive,
  });
}
