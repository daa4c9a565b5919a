import { useApi } from '@backstage/core-plugin-api';
import {
  DeploymentListQuery,
  deploymentsSignalChannel,
  DeploymentListResponse,
  isTerminalPhase,
} from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../api';
import { usePolledAsync } from './usePolledAsync';

function isListLive(response: DeploymentListResponse): boolean {
  return response.items.some(
    item => item.queueLength > 0 || (item.latest?.phase !== undefined && !isTerminalPhase(item.latest.phase)),
  );
}

const signalChannels = [deploymentsSignalChannel];

/**
 * The catalog-wide list for the given server-side filters, loaded again when the backend pushes a change
 * (signals), else with backoff while anything runs; each minute otherwise.
 */
export function useDeployments(query: DeploymentListQuery) {
  const api = useApi(diachronicApiRef);
  const key = JSON.stringify(query);
  // Keyed by value, so a new but equal query object does not reload.
  return usePolledAsync(() => api.listDeployments(JSON.parse(key) as DeploymentListQuery), [api, key], {
    shouldPoll: isListLive,
    minIntervalMs: 5000,
    maxIntervalMs: 60000,
    idleIntervalMs: 60000,
    signalChannels,
  });
}
