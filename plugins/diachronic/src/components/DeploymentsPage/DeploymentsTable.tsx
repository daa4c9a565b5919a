import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { FamilyDeploymentSummary } from '@diachronic/backstage-plugin-diachronic-common';
import { phaseLabels } from '../../phases';
import { PhaseChip } from '../PhaseChip';

export interface DeploymentsTableProps {
  rows: FamilyDeploymentSummary[];
  /** The URL of an entity's Rollout tab. */
  rolloutLink: (entityRef: string) => string;
  title?: string;
  loading?: boolean;
}

/** One row per family: owner, current version, phase, live percentage, queue; sortable on each. */
export function DeploymentsTable({ rows, rolloutLink, title = 'Deployments', loading }: DeploymentsTableProps) {
  const columns: TableColumn<FamilyDeploymentSummary>[] = [
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
      render: row =>
        row.latest?.phase ? <PhaseChip phase={row.latest.phase} /> : row.latest?.status ?? 'never deployed',
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
  return (
    <Table<FamilyDeploymentSummary>
      title={title}
      isLoading={loading}
      options={{ search: false, paging: rows.length > 20, pageSize: 20, padding: 'dense' }}
      columns={columns}
      data={rows}
      emptyContent={
        <Box p={2}>
          <Typography>No family matches.</Typography>
        </Box>
      }
    />
  );
}
