import Box from '@material-ui/core/Box';
import Link from '@material-ui/core/Link';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import {
  DeploymentState,
  GateEvaluation,
  MigrationState,
  migrationTotals,
  StragglerReport,
  UpgradeDryRunReport,
  VersionRef,
  WaveState,
  isTerminalPhase,
  temporalWorkflowsUrl,
  temporalWorkflowUrl,
  workflowIds,
} from '@diachronic/backstage-plugin-diachronic-common';
import { formatDuration, formatFromNow, formatTime } from '../../format';
import { useNow } from '../../hooks/useNow';
import { DeploymentChart } from '../DeploymentChart';
import { PhaseChip } from '../PhaseChip';
import { WrappedListItemText } from '../WrappedListItemText';

const versionLabel = (version: VersionRef | null | undefined, versionId?: string) =>
  version ? `${version.versionId} (#${version.seq})` : versionId ?? 'none';

/**
 * Whether the rollout's next step is coming: rolling out, not paused, held or frozen, and the live
 * percentage still the step's (an override takes the rollout out of its schedule).
 */
export function stepDue(deployment: DeploymentState): boolean {
  const { step } = deployment;
  return (
    deployment.phase === 'rolling_out' &&
    !!step?.nextAt &&
    !step.paused &&
    step.percent === deployment.livePercent &&
    !deployment.waitingForWindow &&
    !deployment.frozen
  );
}

function StepTimeline({ deployment, schedule }: { deployment: DeploymentState; schedule?: ReadonlyArray<{ percent: number }> }) {
  const { step } = deployment;
  const due = stepDue(deployment);
  const now = useNow(due);
  if (!step || step.count === 0) return null;
  const overridden = deployment.livePercent !== step.percent;
  const steps = Array.from({ length: step.count }, (_, i) => {
    const number = i + 1;
    const percent = schedule?.[i]?.percent;
    let caption: string | undefined;
    if (number === step.index) caption = overridden ? 'last applied' : 'current';
    else if (number === step.index + 1 && due) caption = `next ${formatFromNow(step.nextAt!, now)}`;
    return { number, label: percent !== undefined ? `${percent}%` : `Step ${number}`, caption };
  });
  return (
    <Box mt={2}>
      <Typography variant="body2" data-testid="step-summary">
        Step {step.index}/{step.count} at {step.percent}%
        {overridden && ` · overridden: live at ${deployment.livePercent}%`}
        {deployment.phase === 'rolling_out' && step.paused && ' · paused'}
        {due && ` · next step ${formatFromNow(step.nextAt!, now)} (${formatTime(step.nextAt!)})`}
        {due && step.eta && ` · ETA ${formatTime(step.eta)}`}
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

/** One workflow in a list: its id, linked to Temporal's web UI when the backend knows it, and a detail line. */
function WorkflowItem({
  workflow,
  temporalUiUrl,
  detail,
}: {
  workflow: { workflowId: string; runId: string };
  temporalUiUrl?: string;
  detail: string;
}) {
  return (
    <ListItem disableGutters>
      <WrappedListItemText
        primaryTypographyProps={{ variant: 'body2' }}
        secondaryTypographyProps={{ variant: 'caption', style: { overflowWrap: 'anywhere' } }}
        primary={
          temporalUiUrl ? (
            <Link href={temporalWorkflowUrl(temporalUiUrl, workflow.workflowId, workflow.runId)} target="_blank" rel="noopener" underline="always">
              {workflow.workflowId}
            </Link>
          ) : (
            workflow.workflowId
          )
        }
        secondary={detail}
      />
    </ListItem>
  );
}

/** Workflows told to migrate long ago that still run on the old queue, told longest ago first, with why. */
function Stragglers({ report, temporalUiUrl }: { report: StragglerReport; temporalUiUrl?: string }) {
  const minutes = Math.round(report.olderThanMs / 60_000);
  const threshold = minutes >= 1 ? `${minutes} min` : `${Math.round(report.olderThanMs / 1000)} s`;
  if (report.method !== 'acknowledged sample') {
    return (
      <Typography variant="caption" color="textSecondary" display="block" data-testid="stragglers">
        Stragglers {report.method}
      </Typography>
    );
  }
  const sampleText =
    report.sampled < report.toldStillRunning ? ` (${report.sampled} of ${report.toldStillRunning} told and still running asked)` : '';
  const unanswered = report.unanswered > 0 ? ` · ${report.unanswered} did not answer` : '';
  return (
    <Box mt={1} data-testid="stragglers">
      <Typography variant="body2" color={report.stragglers.length > 0 ? 'error' : 'textSecondary'}>
        {report.stragglers.length === 0
          ? `No stragglers: none told over ${threshold} ago still runs on the old queue${sampleText}${unanswered}`
          : `Stragglers: told over ${threshold} ago and still on the old queue${sampleText}${unanswered} · checked ${formatTime(report.checkedAt)}`}
      </Typography>
      {report.stragglers.length > 0 && (
        <List dense aria-label="stragglers" disablePadding>
          {report.stragglers.map(straggler => (
            <WorkflowItem
              key={straggler.runId}
              workflow={straggler}
              temporalUiUrl={temporalUiUrl}
              detail={`told ${formatTime(straggler.toldAt)} · ${straggler.blockedBy.length > 0 ? straggler.blockedBy.join('; ') : 'no reason given'}`}
            />
          ))}
        </List>
      )}
    </Box>
  );
}

/** The upgrade dry run: what it found, with the failed workflows, their errors and their states' shapes. */
function DryRunSummary({ dryRun, temporalUiUrl }: { dryRun: UpgradeDryRunReport; temporalUiUrl?: string }) {
  const summary = {
    waiting: 'waits for a workflow on the old queue to check',
    passed: `passed: ${dryRun.passed} of ${dryRun.sampled} sampled old workflows (of ${dryRun.running}) upgrade without an error`,
    'not checked': `not checked: ${dryRun.reason ?? ''}`,
    failed: `failed: ${dryRun.failed} of ${dryRun.sampled} sampled old workflows (of ${dryRun.running}) do not upgrade; nobody was told to migrate`,
  }[dryRun.outcome];
  return (
    <Box mt={1} data-testid="dry-run">
      <Typography variant="body2" color={dryRun.outcome === 'failed' ? 'error' : 'textPrimary'}>
        Upgrade dry run {summary}
        {dryRun.outcome !== 'waiting' && ` · ${formatTime(dryRun.at)}`}
      </Typography>
      {dryRun.failures.length > 0 && (
        <List dense aria-label="upgrade failures" disablePadding>
          {dryRun.failures.map(failure => (
            <WorkflowItem
              key={failure.runId}
              workflow={failure}
              temporalUiUrl={temporalUiUrl}
              detail={`${failure.workflowType}: ${failure.error} · state ${failure.stateShape}`}
            />
          ))}
        </List>
      )}
    </Box>
  );
}

/** Where the waves stand: which wave, how many it tells, and when the next may start. */
function WaveSummary({ wave, signaled }: { wave: WaveState; signaled: number }) {
  if (wave.off) {
    return (
      <Typography variant="caption" color="textSecondary" display="block" data-testid="waves">
        Waves off: {wave.off}
      </Typography>
    );
  }
  const name = wave.index === 1 ? 'canary' : `${wave.percent}% of what routing lets move`;
  const size = wave.target !== undefined ? `${Math.min(signaled, wave.target)} of ${wave.target} told` : 'no limit but routing';
  const stage = {
    gating: 'the health gate decides whether it starts',
    telling: 'telling',
    baking: `baking${wave.nextAt ? ` until ${formatTime(wave.nextAt)}` : ''}: the moved workflows run on the new version before the next wave`,
  }[wave.stage];
  return (
    <Typography variant="body2" data-testid="waves">
      Wave {wave.index}/{wave.count} ({name}): {size}
      {wave.allowed !== undefined && ` · routing lets ${wave.allowed} move`} · {stage}
    </Typography>
  );
}

/** Who holds the migration: the latest pause or hold in the events. */
function heldBy(deployment: DeploymentState): string {
  const held = [...deployment.events].reverse().find(event => event.action === 'pause' || event.action === 'hold');
  return held ? `held by ${held.who}; resume to go on` : 'held; resume to go on';
}

/** Signaled, moved, remaining of the total and the share moved; without a count of who moved, signaled and remaining. */
function MigrationCounts({ migration }: { migration: MigrationState }) {
  const { signaled, remaining, moved, total, percentMoved } = migrationTotals(migration);
  if (moved === undefined || total === undefined || percentMoved === undefined) {
    return (
      <Typography variant="body2" data-testid="migration-counts">
        {signaled} signaled · {remaining} still on the old queue
      </Typography>
    );
  }
  return (
    <Box maxWidth={480}>
      <Typography variant="body2" data-testid="migration-counts">
        {moved} of {total} moved ({percentMoved}%) · {signaled} signaled · {remaining} still on the old queue
      </Typography>
      <LinearProgress variant="determinate" value={percentMoved} aria-label="workflows moved" />
    </Box>
  );
}

function MigrationSummary({ deployment, temporalUiUrl }: { deployment: DeploymentState; temporalUiUrl?: string }) {
  const { migration, previous } = deployment;
  if (!migration) return null;
  const stage = {
    checking: 'checking that the new version upgrades the old states',
    sweeping: 'signaling workflows as routing moves them',
    draining: 'confirming the old queue is empty',
    retiring: 'retiring the old version',
    stopped: 'stopped before telling anyone: the old version finishes its workflows and is removed once drained',
  }[migration.stage];
  return (
    <Box mt={2} data-testid="migration">
      <Typography variant="subtitle2">
        Migration: {migration.held ? heldBy(deployment) : stage}
      </Typography>
      <MigrationCounts migration={migration} />
      <Typography variant="caption" color="textSecondary" display="block">
        {previous ? `old queue ${previous.taskQueue}` : ''}
        {migration.lastSweepAt && `${previous ? ' · ' : ''}last sweep ${formatTime(migration.lastSweepAt)}`}
      </Typography>
      {migration.retireRefused && (
        <Typography variant="body2" color="error" data-testid="retire-refused">
          The old version is not retired yet: {migration.retireRefused}
        </Typography>
      )}
      {migration.dryRun && <DryRunSummary dryRun={migration.dryRun} temporalUiUrl={temporalUiUrl} />}
      {migration.wave && <WaveSummary wave={migration.wave} signaled={migration.signaled} />}
      {migration.stragglers && <Stragglers report={migration.stragglers} temporalUiUrl={temporalUiUrl} />}
    </Box>
  );
}

function measuredText({ started, failed, workflowTaskFailures, webhook }: GateEvaluation): string {
  const webhookText = webhook ? ` · webhook ${webhook.passed ? 'passed' : 'failed'}` : '';
  return `${started} started · ${failed} failed · ${workflowTaskFailures} failing their workflow task${webhookText}`;
}

function verdictText(evaluation: GateEvaluation | undefined): string {
  if (!evaluation) return 'not evaluated yet';
  return `${evaluation.passed ? 'passing' : 'failed'} · ${formatTime(evaluation.at)}`;
}

/** The health gate: its policy, the latest verdict with what was measured, and the recent evaluations. */
function HealthGateSummary({ deployment }: { deployment: DeploymentState }) {
  const { gate } = deployment;
  if (!gate) return null;
  const { policy, evaluations } = gate;
  const last = evaluations.at(-1);
  const limits =
    `limits: ${policy.maxFailedPercent}% failed (from ${policy.minSamples} samples), ${policy.maxWorkflowTaskFailures} workflow task failures` +
    `${policy.webhook ? ', webhook' : ''} · on failure: ${policy.onFailure} · every ${Math.round(policy.intervalMs / 1000)} s, before each step` +
    `${deployment.request.options.waves && deployment.request.options.waves.enabled !== false ? ' and before each migration wave' : ''}`;
  return (
    <Box mt={2} data-testid="health-gate">
      <Typography variant="subtitle2">
        Health gate: {verdictText(last)}
      </Typography>
      {last && (
        <Typography variant="body2" color={last.passed ? 'textPrimary' : 'error'} data-testid="health-gate-last">
          {last.passed ? measuredText(last) : last.reason}
          {last.note && ` · ${last.note}`}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" display="block">
        {limits}
      </Typography>
      {evaluations.length > 1 && (
        <List dense aria-label="health gate evaluations" disablePadding>
          {evaluations
            .slice(-5)
            .reverse()
            .map(evaluation => (
              <ListItem key={`${evaluation.at}-${evaluation.trigger}`} disableGutters>
                <WrappedListItemText
                  primaryTypographyProps={{ variant: 'caption', color: evaluation.passed ? 'textSecondary' : 'error' }}
                  primary={`${formatTime(evaluation.at)} · ${evaluation.trigger} · ${evaluation.passed ? 'passed' : 'failed'} · ${measuredText(evaluation)}`}
                />
              </ListItem>
            ))}
        </List>
      )}
    </Box>
  );
}

/**
 * The live state of one deployment: phase, from → to, live percentage, steps, migration. `schedule`: the
 * steps it runs with, when its request left them to the family's policy.
 */
export function DeploymentProgress({
  deployment,
  temporalUiUrl,
  schedule = deployment.request.options.schedule,
}: {
  deployment: DeploymentState;
  temporalUiUrl?: string;
  schedule?: ReadonlyArray<{ percent: number }>;
}) {
  const { phase, request, version, previous, livePercent, reason } = deployment;
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
        <PhaseChip phase={phase} paused={deployment.step?.paused} />
        <Typography variant="body1" data-testid="from-to">
          {versionLabel(previous)} → {versionLabel(version, request.versionId)}
        </Typography>
        <Typography variant="caption" color="textSecondary" data-testid="requested">
          requested by {request.requestedBy.who} · started {formatTime(deployment.startedAt)}{' '}
          {deployment.endedAt
            ? `· ended ${formatTime(deployment.endedAt)} (took ${formatDuration(Date.parse(deployment.endedAt) - Date.parse(deployment.startedAt))})`
            : `(running ${formatDuration(Math.max(0, Date.now() - Date.parse(deployment.startedAt)))})`}
          {temporalUiUrl && (
            <>
              {' · '}
              <Link
                href={temporalWorkflowsUrl(temporalUiUrl, `WorkflowId = "${workflowIds.deployment(request.family, request.versionId)}"`)}
                target="_blank"
                rel="noopener"
                // Underlined: inside a line of text, colour alone does not tell a link (WCAG 1.4.1).
                underline="always"
              >
                its workflow in Temporal
              </Link>
            </>
          )}
        </Typography>
      </Box>
      {reason && (
        <Typography variant="body2" color={phase === 'failed' ? 'error' : 'textPrimary'} data-testid="reason">
          {reason}
        </Typography>
      )}
      {deployment.waitingForWindow && (
        <Typography variant="body2" color="primary" data-testid="waiting-for-window">
          Outside its deploy windows: steps and waves hold
          {deployment.waitingForWindow.opensAt ? ` until ${formatTime(deployment.waitingForWindow.opensAt)}` : ''}.
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
      <StepTimeline deployment={deployment} schedule={schedule} />
      <MigrationSummary deployment={deployment} temporalUiUrl={temporalUiUrl} />
      <HealthGateSummary deployment={deployment} />
      <Box mt={2}>
        <Typography variant="subtitle2">Over time</Typography>
        <DeploymentChart deployment={deployment} />
      </Box>
    </Box>
  );
}
