import { useMemo } from 'react';
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
  type DeploymentSummary,
  type FamilyDeploymentSummary,
  type GateFailureMemo,
  type NewStartsSplit,
} from '@diachronic/backstage-plugin-diachronic-common';
import { phaseLabels } from '../../phases';
import { PhaseChip } from '../PhaseChip';
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
    <Box minWidth={140}>
      <Typography variant="body2" style={{ whiteSpace: 'nowrap' }} data-testid="serving">
        {live}
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

function deploymentsColumns(rolloutLink: (entityRef: string) => string): TableColumn<FamilyDeploymentSummary>[] {
  return [
    {
      title: 'Family',
      field: 'family',
      defaultSort: 'asc',
      render: row => <Link to={rolloutLink(row.entityRef)}>{row.family}</Link>,
    },
    {
      title: 'Entity',
      field: 'entityRef',
      render: row => <EntityRefLink entityRef={row.entityRef} />,
    },
    {
      title: 'Owner',
      field: 'owner',
      render: row => (row.owner ? <EntityRefLink entityRef={row.owner} defaultKind="group" /> : '—'),
    },
    {
      title: 'Version',
      field: 'latest.versionId',
      render: row =>
        row.latest ? (
          <Typography variant="body2">
            <code>{row.latest.versionId}</code>
            {row.latest.previousVersionId && (
              <Typography variant="caption" color="textSecondary" component="span">
                {' '}
                from {row.latest.previousVersionId}
              </Typography>
            )}
          </Typography>
        ) : (
          '—'
        ),
    },
    {
      title: 'Phase',
      field: 'latest.phase',
      customSort: (a, b) =>
        (a.latest?.phase ? phaseLabels[a.latest.phase] : '').localeCompare(
          b.latest?.phase ? phaseLabels[b.latest.phase] : '',
        ),
      render: row => (
        <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 4 }}>
          {row.latest?.phase ? <PhaseChip phase={row.latest.phase} /> : row.latest?.status ?? 'never deployed'}
          {row.latest?.gateFailure && <GateFailureChip failure={row.latest.gateFailure} />}
          {row.freeze && (
            <Tooltip title={`by ${row.freeze.who}: ${row.freeze.why}${row.freeze.until ? ` · until ${new Date(row.freeze.until).toLocaleString()}` : ''}`}>
              <Chip size="small" variant="outlined" label={row.freeze.scope === 'global' ? 'frozen (all)' : 'frozen'} data-testid="frozen" />
            </Tooltip>
          )}
        </Box>
      ),
    },
    {
      title: 'New workflows',
      field: 'latest.livePercent',
      customSort: (a, b) => (a.latest?.livePercent ?? -1) - (b.latest?.livePercent ?? -1),
      render: row => <ServingCell row={row} />,
    },
    { title: 'Queue', field: 'queueLength', type: 'numeric' },
  ];
}

// A constant: the table builds its body component from this element, so a new one each render
// would remount every row.
const noFamilyMatches = (
  <Box p={2}>
    <Typography>No family matches.</Typography>
  </Box>
);

/** One row per family: owner, current version, phase, live percentage, queue; sortable on each. */
export function DeploymentsTable({ rows, rolloutLink, title = 'Deployments', loading }: DeploymentsTableProps) {
  const columns = useMemo(() => deploymentsColumns(rolloutLink), [rolloutLink]);
  const data = useStableRows(rows, familyOf);
  return (
    <Table<FamilyDeploymentSummary>
      title={title}
      isLoading={loading}
      options={{ search: false, paging: rows.length > 20, pageSize: 20, padding: 'dense' }}
      columns={columns}
      data={data}
      emptyContent={noFamilyMatches}
    />
  );
}
