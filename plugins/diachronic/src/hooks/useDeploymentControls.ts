import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ControlAction,
  diachronicControlPermissions,
  DeploymentState,
} from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../api';

/** What a control sends: a percentage for override, a reason (required for override and abort). */
export interface ControlInput {
  reason?: string;
  percent?: number;
}

/** Whether the signed-in user may run each control on the entity (`undefined` while asking). */
export type ControlPermissions = Record<ControlAction, boolean | undefined>;

export function useControlPermissions(entityRef: CompoundEntityRef): ControlPermissions {
  const resourceRef = stringifyEntityRef(entityRef);
  const ask = (action: ControlAction) => {
    // One call per permission, in a fixed order, so the hook rules hold.
    return { permission: diachronicControlPermissions[action], resourceRef };
  };
  const promote = usePermission(ask('promote'));
  const override = usePermission(ask('override'));
  const pauseResume = usePermission(ask('pause'));
  const abort = usePermission(ask('abort'));
  const cancel = usePermission(ask('cancel'));
  const value = (result: { loading: boolean; allowed: boolean }) => (result.loading ? undefined : result.allowed);
  return {
    promote: value(promote),
    override: value(override),
    pause: value(pauseResume),
    resume: value(pauseResume),
    abort: value(abort),
    cancel: value(cancel),
  };
}

/** Runs a control on one deployment, then calls `onDone` so the view reloads; failures are thrown. */
export function useDeploymentControl(entityRef: CompoundEntityRef, deployment: DeploymentState, onDone: () => void) {
  const api = useApi(diachronicApiRef);
  const { family, versionId } = deployment.request;
  return useCallback(
    async (action: ControlAction, input: ControlInput = {}) => {
      const reason = input.reason?.trim() || undefined;
      switch (action) {
        case 'override':
          await api.override(entityRef, family, versionId, { percent: input.percent ?? 0, reason: reason ?? '' });
          break;
        case 'abort':
        case 'cancel':
          await api[action](entityRef, family, versionId, { reason: reason ?? '' });
          break;
        default:
          await api[action](entityRef, family, versionId, reason ? { reason } : {});
      }
      onDone();
    },
    [api, entityRef, family, versionId, onDone],
  );
}
