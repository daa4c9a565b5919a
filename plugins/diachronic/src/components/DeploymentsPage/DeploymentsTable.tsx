import { Fragment, useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  describeShares,
  newStartsSplit,
  type DeploymentHold,
  type DeploymentSummary,
  type FamilyDeploymentSummary,
  type GateFailureMemo,
  type NewStartsSplit,
} from '@diachronic/backstage-plugin-diachronic-common';
import { formatAgo, formatTime } from '../../format';
import { phaseLabels } from '../../phases';
import { PhaseChip } from '../PhaseChip';
import { SHORT_SHA_LENGTH, ShortSha } from '../ShortSha';
import { useStableRows } from '../tableRows';

export interface DeploymentsTableProps {
  rows: FamilyDeploymentSummary[];
  /** The URL of an entity's Rollout tab. */
  rolloutLink: (entityRef: string) => string;
  title?: string;
  loading?: boolean;
}

/** The health gate's failure: the reason in full on hover and for screen readers. */
function GateFailureChip({ failure }: { failure: GateFailureMemo }) {
  const when = new Date(failure.at).toLocaleString();
  return (
    <Tooltip title={`${when}: ${failure.reason}`}>
      <Chip
        size="small"
        variant="outlined"
        color="secondary"
        label="health gate failed"
        aria-label={`health gate failed at ${when}: ${failure.reason}`}
        data-testid="gate-failed"
      />
    </Tooltip>
  );
}

const familyOf = (row: FamilyDeploymentSummary) => row.family;
const noWrap = { whiteSpace: 'nowrap' } as const;

/**
 * Where new workflows go, from the family's latest deployment alone (the list reads no flags): its version
 * at its live percentage over the version it replaces, at 100% before it, by the routing rule.
 */
export function servingOf(latest: DeploymentSummary | undefined): NewStartsSplit | undefined {
  if (!latest || latest.livePercent === undefined) return undefined;
  const versions = [{ versionId: latest.versionId, seq: 1, enabled: true, livePercent: latest.livePercent, darkEnabled: latest.phase === 'dark' }];
  if (latest.previousVersionId) versions.push({ versionId: latest.previousVersionId, seq: 0, enabled: true, livePercent: 100, darkEnabled: false });
  return newStartsSplit(versions);
}

function ServingCell({ row }: { row: FamilyDeploymentSummary }) {
  const split = servingOf(row.latest);
  if (!split) return <>—</>;
  const live = split.live.length > 0 ? describeShares(split.live) : 'no version';
  const newest = split.live[0];
  return (
    <Box minWidth={110}>
      {/* Each share whole; at 1024 px the line breaks between them. */}
      <Typography variant="body2" data-testid="serving">
        {split.live.length > 0
          ? split.live
              .slice()
              .reverse()
              .map((share, i) => (
                <Fragment key={share.versionId}>
                  {i > 0 && ' · '}
                  <span style={noWrap}>{describeShares([{ ...share, versionId: share.versionId.slice(0, SHORT_SHA_LENGTH) }])}</span>
                </Fragment>
              ))
          : live}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={newest?.versionId === row.latest?.versionId ? newest.percent : 0}
        aria-label={`new workflows of ${row.family}: ${live}`}
      />
      {row.latest?.phase === 'dark' && (
        <Typography variant="caption" color="textSecondary" style={{ whiteSpace: 'nowrap' }}>
          test workflows → {row.latest.versionId}
        </Typography>
      )}
    </Box>
  );
}

/** The latest version, where it came from, and the family's last ended deployments under it (with why, on hover). */
function VersionCell({ row }: { row: FamilyDeploymentSummary }) {
  if (!row.latest) return <>—</>;
  return (
    <Box>
      <ShortSha versionId={row.latest.versionId} />
      {row.latest.previousVersionId && (
        <Typography variant="caption" color="textSecondary" display="block" style={noWrap}>
          from <ShortSha versionId={row.latest.previousVersionId} copy={false} />
        </Typography>
      )}
      {row.recentEnded && row.recentEnded.length > 0 && (
        <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label={`earlier deployments of ${row.family}`}>
          {row.recentEnded.map(ended => (
            <Typography
              key={ended.runId || ended.workflowId}
              component="li"
              variant="caption"
              color="textSecondary"
              display="block"
              title={ended.reason}
              data-testid="recent-ended"
            >
              {ended.phase ? phaseLabels[ended.phase].toLocaleLowerCase('en-US') : ended.status}{' '}
              <ShortSha versionId={ended.versionId} copy={false} />
              {ended.endedAt && ` · ${formatAgo(ended.endedAt)}`}
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}

const holdLabels: Record<DeploymentHold, string> = {
  paused: 'paused',
  'waiting for a window': 'waiting for its window',
  frozen: 'frozen',
  'gate failing': 'health gate failing',
};

/** The phase, with what holds a running deployment (paused, waiting for its window, frozen, gate failing), and the queue behind it. */
function PhaseCell({ row }: { row: FamilyDeploymentSummary }) {
  const holds = row.running?.holds ?? [];
  // The freeze and a failed gate have their own chips, from the family's and the deployment's memos.
  const otherHolds = holds.filter(hold => hold !== 'paused' && !(hold === 'frozen' && row.freeze) && !(hold === 'gate failing' && row.latest?.gateFailure));
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 4 }}>
      {row.latest?.phase ? <PhaseChip phase={row.latest.phase} paused={holds.includes('paused')} /> : row.latest?.status ?? 'never deployed'}
      {otherHolds.map(hold => (
        <Chip key={hold} size="small" variant="outlined" label={holdLabels[hold]} data-testid={`hold-${hold}`} />
      ))}
      {row.latest?.gateFailure && <GateFailureChip failure={row.latest.gateFailure} />}
      {row.freeze && (
        <Tooltip title={`by ${row.freeze.who}: ${row.freeze.why}${row.freeze.until ? ` · until ${new Date(row.freeze.until).toLocaleString()}` : ''}`}>
          <Chip size="small" variant="outlined" label={row.freeze.scope === 'global' ? 'frozen (all)' : 'frozen'} data-testid="frozen" />
        </Tooltip>
      )}
      {row.queueLength > 0 && (
        <Typography variant="caption" color="textSecondary" display="block" style={noWrap} data-testid="queued">
          {row.queueLength} queued
        </Typography>
      )}
    </Box>
  );
}

/** When the latest deployment started (how long ago; the time on hover), who asked, its step and ETA while due. */
function StartedCell({ row }: { row: FamilyDeploymentSummary }) {
  if (!row.latest) return <>—</>;
  const { running } = row;
  return (
    <Box>
      <Typography variant="body2" style={noWrap} title={formatTime(row.latest.startedAt)} data-testid="started">
        {formatAgo(row.latest.startedAt)}
      </Typography>
      {running && (
        <Typography variant="caption" color="textSecondary" display="block" data-testid="running-detail">
          by {running.requestedBy}
          {running.step && ` · step ${running.step.index}/${running.step.count}`}
          {running.eta && ` · ETA ${formatTime(running.eta)}`}
        </Typography>
      )}
    </Box>
  );
}

function deploymentsColumns(rolloutLink: (entityRef: string) => string): TableColumn<FamilyDeploymentSummary>[] {
  return [
    {
      title: 'Family',
      field: 'family',
      defaultSort: 'asc',
      // The entity and its owner under the family: two columns less, so that the row fits at 1024 px.
      render: row => (
        <Box maxWidth={200}>
          {/* A family name runs to 63 characters: cut with an ellipsis, whole on hover. */}
          <Typography variant="body2" noWrap title={row.family} data-testid="family">
            <Link to={rolloutLink(row.entityRef)}>{row.family}</Link>
          </Typography>
          <Typography variant="caption" display="block" noWrap>
            <EntityRefLink entityRef={row.entityRef} />
          </Typography>
          {row.owner && (
            <Typography variant="caption" display="block" noWrap>
              <EntityRefLink entityRef={row.owner} defaultKind="group" />
            </Typography>
          )}
        </Box>
      ),
    },
    {
      title: 'Version',
      field: 'latest.versionId',
      render: row => <VersionCell row={row} />,
    },
    {
      title: 'Phase',
      field: 'latest.phase',
      customSort: (a, b) =>
        (a.latest?.phase ? phaseLabels[a.latest.phase] : '').localeCompare(
          b.latest?.phase ? phaseLabels[b.latest.phase] : '',
        ),
      render: row => <PhaseCell row={row} />,
    },
    {
      title: 'New workflows',
      field: 'latest.livePercent',
      customSort: (a, b) => (a.latest?.livePercent ?? -1) - (b.latest?.livePercent ?? -1),
      render: row => <ServingCell row={row} />,
    },
    {
      title: 'Started',
      field: 'latest.startedAt',
      cellStyle: { minWidth: 110 },
      render: row => <StartedCell row={row} />,
    },
  ];
}

// A constant: the table builds its body component from this element, so a new one each render
// would remount every row.
const noFamilyMatches = (
  <Box p={2}>
    <Typography>No family matches.</Typography>
  </Box>
);

/** One row per family: its entity and owner, latest version and the ended ones before it, phase with what holds it and the queue, split, start. */
export function DeploymentsTable({ rows, rolloutLink, title = 'Deployments', loading }: DeploymentsTableProps) {
  const columns = useMemo(() => deploymentsColumns(rolloutLink), [rolloutLink]);
  const data = useStableRows(rows, familyOf);
  return (
    <Table<FamilyDeploymentSummary>
      title={title}
      isLoading={loading}
      options={{ search: false, paging: rows.length > 20, pageSize: 20, padding: 'dense', draggable: false }}
      columns={columns}
      data={data}
      emptyContent={noFamilyMatches}
    />
  );
}
