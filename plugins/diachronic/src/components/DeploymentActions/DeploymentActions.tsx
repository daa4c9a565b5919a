import { ReactElement, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import {
  ControlAction,
  controlAllowedIn,
  controlPhases,
  diachronicControlPermissions,
  DeploymentState,
} from '@diachronic/backstage-plugin-diachronic-common';
import type { ControlInput, ControlPermissions } from '../../hooks';
import { phaseLabels } from '../../phases';
import { AbortDialog } from '../AbortDialog';
import { OverrideDialog } from '../OverrideDialog';

/** Why `action` cannot run now, or undefined when it can. */
export function controlBlocker(
  action: ControlAction,
  deployment: DeploymentState,
  allowed: boolean | undefined,
): string | undefined {
  if (allowed === undefined) return 'Checking your permissions…';
  if (!allowed) return `You lack the permission ${diachronicControlPermissions[action].name} on this entity.`;
  if (!controlAllowedIn(action, deployment.phase)) {
    const when = controlPhases[action].map(phase => phaseLabels[phase].toLowerCase()).join(' or ');
    return `Only possible while the deployment is ${when}; it is ${phaseLabels[deployment.phase].toLowerCase()}.`;
  }
  if (action === 'pause' && deployment.phase === 'rolling_out' && deployment.step?.paused) return 'The rollout is already paused.';
  if (action === 'pause' && deployment.migration?.held) return 'The migration is already held.';
  if (action === 'resume' && !isHeld(deployment)) {
    return deployment.phase === 'migrating' ? 'The migration is not held.' : 'The rollout is not paused.';
  }
  return undefined;
}

/** Whether a pause (by an operator or the health gate) holds the rollout's steps or the migration's sweeps. */
function isHeld(deployment: DeploymentState): boolean {
  return (deployment.phase === 'rolling_out' && deployment.step?.paused === true) || deployment.migration?.held === true;
}

function Guarded({ blocker, children }: { blocker?: string; children: ReactElement }) {
  if (!blocker) return children;
  // A disabled button fires no events, so the tooltip hangs on a wrapper.
  return (
    <Tooltip title={blocker}>
      <span>{children}</span>
    </Tooltip>
  );
}

export interface DeploymentActionsProps {
  deployment: DeploymentState;
  permissions: ControlPermissions;
  onControl: (action: ControlAction, input?: ControlInput) => Promise<void>;
}

/** Promote, Override, Pause/Resume and Abort, each disabled with the reason when it cannot run. */
export function DeploymentActions({ deployment, permissions, onControl }: DeploymentActionsProps) {
  const [dialog, setDialog] = useState<'override' | 'abort'>();
  const [busy, setBusy] = useState<ControlAction>();
  const [error, setError] = useState<Error>();
  const versionId = deployment.request.versionId;
  const blocker = (action: ControlAction) => controlBlocker(action, deployment, permissions[action]);
  const pauseOrResume: ControlAction = isHeld(deployment) ? 'resume' : 'pause';

  const runNow = async (action: ControlAction) => {
    setBusy(action);
    setError(undefined);
    try {
      await onControl(action);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Box mt={2}>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        <Guarded blocker={blocker('promote')}>
          <Button
            variant="contained"
            color="primary"
            disabled={!!blocker('promote') || busy !== undefined}
            onClick={() => runNow('promote')}
          >
            Promote
          </Button>
        </Guarded>
        <Guarded blocker={blocker('override')}>
          <Button variant="outlined" disabled={!!blocker('override')} onClick={() => setDialog('override')}>
            Override
          </Button>
        </Guarded>
        <Guarded blocker={blocker(pauseOrResume)}>
          <Button
            variant="outlined"
            disabled={!!blocker(pauseOrResume) || busy !== undefined}
            onClick={() => runNow(pauseOrResume)}
          >
            {pauseOrResume === 'pause' ? 'Pause' : 'Resume'}
          </Button>
        </Guarded>
        <Guarded blocker={blocker('abort')}>
          <Button variant="outlined" color="secondary" disabled={!!blocker('abort')} onClick={() => setDialog('abort')}>
            Abort
          </Button>
        </Guarded>
      </Box>
      {error && (
        <Box mt={1}>
          <Alert severity="error" onClose={() => setError(undefined)}>
            {error.message}
          </Alert>
        </Box>
      )}
      <OverrideDialog
        open={dialog === 'override'}
        versionId={versionId}
        currentPercent={deployment.livePercent}
        onClose={() => setDialog(undefined)}
        onSubmit={input => onControl('override', input)}
      />
      <AbortDialog
        open={dialog === 'abort'}
        versionId={versionId}
        onClose={() => setDialog(undefined)}
        onSubmit={input => onControl('abort', input)}
      />
    </Box>
  );
}
