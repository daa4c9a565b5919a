import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { diachronicApiRef } from '../api';

/** One deployment's full state (events included), loaded once: for a deployment of the history. */
export function useDeploymentState(entityRef: CompoundEntityRef, family: string, versionId: string) {
  const api = useApi(diachronicApiRef);
  const { kind, namespace, name } = entityRef;
  return useAsyncRetry(
    () => api.getDeployment({ kind, namespace, name }, family, versionId),
    [api, kind, namespace, name, family, versionId],
  );
}
