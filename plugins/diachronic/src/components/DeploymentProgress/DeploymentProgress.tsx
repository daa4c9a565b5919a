import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { DeploymentState, VersionRef, isTerminalPhase } from '@diachronic/backstage-plugin-diachronic-common';
import { formatFromNow, formatTime } from '../../format';
import { PhaseChip } from '../PhaseChip';

const versionLabel = (version: VersionRef | null | undefined, versionId?: string) =>
  version ? `${version.versionId} (#${version.seq})` : versionId ?? 'none';

function StepTimeline({ deployment }: { deployment: DeploymentState }) {
  const { step, request } = deployment;
  if (!step || step.count === 0) return null;
  const schedule = request.options.schedule;
  const steps = Array.from({ length: step.count }, (_, i) => {
    const number = i + 1;
    const percent = schedule?.[i]?.percent;
    let caption: string | undefined;
    if (number === step.index) caption = 'current';
    else if (number === step.index + 1 && step.nextAt && !step.paused) caption = `next ${formatFromNow(step.nextAt)}`;
    return { number, label: percent !== undefined ? `${percent}%` : `Step ${number}`, caption };
  });
  return (
    <Box mt={2}>
      <Typography variant="body2" data-testid="step-summary">
        Step {step.index}/{step.count} at {step.percent}%{step.paused && ' · paused'}
        {!step.paused && step.nextAt && ` · next step at ${formatTime(step.nextAt)}`}
        {!step.paused && step.eta && ` · ETA ${formatTime(step.eta)}`}
      </Typography>
      <Stepper activeStep={step.index - 1} alternativeLabel>
        {steps.map(({ number, label, caption }) => (
          <Step key={number} completed={number < step.index}>
            <StepLabel optional={caption && <Typography variant="caption">{caption}</Typography>}>{label}</StepLabel>
          </Step>
        ))}
      </Stepper>
    </Box>
  );
}

function MigrationSummary({ deployment }: { deployment: DeploymentState }) {
  const { migration, previous } = deployment;
  if (!migration) return null;
  const stage = {
    sweeping: 'signaling workflows as routing moves them',
    draining: 'confirming the old queue is empty',
    retiring: 'retiring the old version',
  }[migration.stage];
  return (
    <Box mt={2} data-testid="migration">
      <Typography variant="subtitle2">Migration: {stage}</Typography>
      <Typography variant="body2">
        {migration.signaled} signaled · {migration.remaining} still on the old queue
        {previous ? ` ${previous.taskQueue}` : ''}
        {migration.lastSweepAt && ` · last sweep ${formatTime(migration.lastSweepAt)}`}
      </Typography>
    </Box>
  );
}

/** The live state of one deployment: phase, from → to, live percentage, steps, migration. */
export function DeploymentProgress({ deployment }: { deployment: DeploymentState }) {
  const { phase, request, version, previous, livePercent, reason } = deployment;
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
        <PhaseChip phase={phase} paused={deployment.step?.paused} />
        <Typography variant="body1" data-testid="from-to">
          {versionLabel(previous)} → {versionLabel(version, request.versionId)}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          requested by {request.requestedBy.who} · started {formatTime(deployment.startedAt)}
          {deployment.endedAt && ` · ended ${formatTime(deployment.endedAt)}`}
        </Typography>
      </Box>
      {reason && (
        <Typography variant="body2" color={phase === 'failed' ? 'error' : 'textPrimary'} data-testid="reason">
          {reason}
        </Typography>
      )}
      {phase === 'dark' && (
        <Typography variant="body2">
          Dark: only test traffic (isTest) reaches {request.versionId}; live stays at 0% until promoted.
        </Typography>
      )}
      {!isTerminalPhase(phase) && phase !== 'preparing' && (
        <Box mt={2}>
          <Typography variant="body2">
            {livePercent}% of new workflows start on {request.versionId}
          </Typography>
          <LinearProgress variant="determinate" value={livePercent} aria-label="live percentage" />
        </Box>
      )}
      <StepTimeline deployment={deployment} />
      <MigrationSummary deployment={deployment} />
    </Box>
  );
}
