import Chip from '@material-ui/core/Chip';
import { darken, getContrastRatio, makeStyles, Theme } from '@material-ui/core/styles';
import type { DeploymentPhase } from '@diachronic/backstage-plugin-diachronic-common';
import { phaseLabels, PhaseTone, phaseTone } from '../../phases';

export const toneColor = (theme: Theme): Record<PhaseTone, string> => ({
  active: theme.palette.info.main,
  waiting: theme.palette.grey[700],
  ok: theme.palette.success.main,
  stopped: theme.palette.warning.dark,
  error: theme.palette.error.main,
});

/** WCAG AA's contrast for small text. */
const READABLE_CONTRAST = 4.5;

/** The tone's colour, darkened until white text on it is readable (some themes' greens and blues are light). */
export function readableBehindWhite(color: string, white: string): string {
  let background = color;
  for (let i = 0; i < 10 && getContrastRatio(background, white) < READABLE_CONTRAST; i += 1) background = darken(background, 0.1);
  return background;
}

const useStyles = makeStyles(theme => ({
  chip: ({ tone }: { tone: PhaseTone }) => ({
    backgroundColor: readableBehindWhite(toneColor(theme)[tone], theme.palette.common.white),
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
