import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import type { DeploymentPhase } from '@diachronic/backstage-plugin-diachronic-common';
import { phaseLabels, PhaseTone, phaseTone } from '../../phases';

const toneColor = (theme: Theme): Record<PhaseTone, string> => ({
  active: theme.palette.info.main,
  waiting: theme.palette.grey[700],
  ok: theme.palette.success.main,
  stopped: theme.palette.warning.dark,
  error: theme.palette.error.main,
});

const useStyles = makeStyles(theme => ({
  chip: ({ tone }: { tone: PhaseTone }) => ({
    backgroundColor: toneColor(theme)[tone],
    color: theme.palette.common.white,
    margin: 0,
  }),
}));

/** A deployment phase as a coloured chip; `paused` marks a rollout on hold. */
export function PhaseChip({ phase, paused }: { phase: DeploymentPhase; paused?: boolean }) {
  const classes = useStyles({ tone: paused ? 'waiting' : phaseTone(phase) });
  const label = paused ? `${phaseLabels[phase]} (paused)` : phaseLabels[phase];
  return <Chip size="small" className={classes.chip} label={label} data-testid={`phase-${phase}`} />;
}
