import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { describeShares, type NewStartsSplit, type VersionShare } from '@diachronic/backstage-plugin-diachronic-common';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    height: theme.spacing(3),
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    backgroundColor: theme.palette.action.disabledBackground,
  },
  segment: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    color: theme.palette.common.white,
    fontSize: theme.typography.caption.fontSize,
    fontFamily: 'monospace',
  },
}));

/** The newest version in the primary colour, older ones in darker greys: the same version, the same colour in both bars. */
function colourOf(versionId: string, newestFirst: readonly string[], primary: string): string {
  const age = newestFirst.indexOf(versionId);
  return age <= 0 ? primary : ['#546e7a', '#78909c', '#90a4ae', '#b0bec5'][Math.min(age - 1, 3)];
}

function Bar({ shares, label, order, primary }: { shares: VersionShare[]; label: string; order: string[]; primary: string }) {
  const classes = useStyles();
  return (
    <div className={classes.bar} role="img" aria-label={label}>
      {[...shares].reverse().map(share => (
        <Tooltip key={share.versionId} title={`${share.versionId}: ${share.percent}%`}>
          <div
            className={classes.segment}
            style={{ width: `${share.percent}%`, backgroundColor: colourOf(share.versionId, order, primary) }}
          >
            {share.percent >= 15 ? `${share.versionId} ${share.percent}%` : ''}
          </div>
        </Tooltip>
      ))}
    </div>
  );
}

/**
 * Which version new workflows go to now, as the routing computes it: one bar for new workflows (its text is
 * the family card's subheader) and, when it differs, one for test traffic (`isTest`).
 */
export function SplitBar({ split }: { split: NewStartsSplit }) {
  const primary = useTheme().palette.primary.main;
  const order = [...new Set([...split.live, ...split.test].map(share => share.versionId))];
  const live = split.live.length > 0 ? describeShares(split.live) : 'no version';
  const test = describeShares(split.test);
  const testDiffers = test !== describeShares(split.live);
  return (
    <Box data-testid="split" mb={2}>
      <Bar shares={split.live} label={`new workflows: ${live}`} order={order} primary={primary} />
      {split.unrouted > 0 && (
        <Typography variant="caption" color="error" display="block">
          {split.unrouted}% of new workflows match no version: starting them fails until a version is live for them.
        </Typography>
      )}
      {testDiffers && (
        <Box mt={1}>
          <Typography variant="caption" display="block">
            Test workflows (isTest): {test || 'no version'}
          </Typography>
          <Bar shares={split.test} label={`test workflows: ${test || 'no version'}`} order={order} primary={primary} />
        </Box>
      )}
    </Box>
  );
}
