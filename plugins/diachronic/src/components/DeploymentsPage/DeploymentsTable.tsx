import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { FamilyDeploymentSummary, GateFailureMemo } from '@diachronic/backstage-plugin-diachronic-common';
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
      title: 'Live %',
      field: 'latest.livePercent',
      type: 'numeric',
      customSort: (a, b) => (a.latest?.livePercent ?? -1) - (b.latest?.livePercent ?? -1),
      render: row =>
        row.latest?.livePercent === undefined ? (
          '—'
        ) : (
          <Box minWidth={100}>
            <Typography variant="body2">{row.latest.livePercent}%</Typography>
            <LinearProgress
              variant="determinate"
              value={row.latest.livePercent}
              aria-label={`live percentage of ${row.family}`}
            />
          </Box>
        ),
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
