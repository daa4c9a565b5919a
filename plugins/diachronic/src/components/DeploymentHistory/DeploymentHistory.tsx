import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Table, TableColumn } from '@backstage/core-components';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DeploymentHistoryEntry } from '@diachronic/backstage-plugin-diachronic-common';
import { formatDuration, formatTime } from '../../format';
import { PhaseChip } from '../PhaseChip';
import { DeploymentEvents } from './DeploymentEvents';
import { DetailPanel, useStableRows } from '../tableRows';

const columns: TableColumn<DeploymentHistoryEntry>[] = [
  // Few columns, so that the reason fits at 1024 px: where it came from under the version, how far it got under its phase.
  {
    title: 'Version',
    field: 'versionId',
    render: row => (
      <>
        <code>{row.versionId}</code>
        {row.previousVersionId && (
          <Typography variant="caption" color="textSecondary" display="block">
            from <code>{row.previousVersionId}</code>
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Phase',
    field: 'phase',
    render: row => (
      <>
        {row.phase ? <PhaseChip phase={row.phase} /> : row.status}
        {row.livePercent !== undefined && (
          <Typography variant="caption" color="textSecondary" display="block">
            live {row.livePercent}%
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Started',
    field: 'startedAt',
    defaultSort: 'desc',
    // When it ended is when it started plus how long it took: one column less, so the reason fits at 1024 px.
    render: row => (
      <>
        {formatTime(row.startedAt)}
        {row.endedAt && (
          <Typography variant="caption" color="textSecondary" display="block" data-testid="took" title={`ended ${formatTime(row.endedAt)}`}>
            took {formatDuration(new Date(row.endedAt).getTime() - new Date(row.startedAt).getTime())}
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Why it ended', field: 'reason', cellStyle: { minWidth: 220 }, render: row => row.reason ?? '' },
];

export interface DeploymentHistoryProps {
  history: DeploymentHistoryEntry[];
  /** With the entity and family, each row opens to its events (who, what, why, when). */
  events?: { entityRef: CompoundEntityRef; family: string };
}

const runOf = (entry: DeploymentHistoryEntry) => `${entry.workflowId}/${entry.runId}`;

const noDeploymentYet = (
  <Box p={2}>
    <Typography>No deployment yet.</Typography>
  </Box>
);

/** A family's recent deployments, newest first, with the reason of those that did not complete. */
export function DeploymentHistory({ history, events }: DeploymentHistoryProps) {
  const data = useStableRows(history, runOf);
  const { kind, namespace, name } = events?.entityRef ?? {};
  const family = events?.family;
  // The table uses a panel's render function as a component type: a new one each render would remount
  // the opened panel, and its events would load again on every poll.
  const detailPanel = useMemo(
    () =>
      kind && namespace && name && family
        ? [
            {
              tooltip: 'Events',
              render: ({ rowData }: { rowData: DeploymentHistoryEntry }) =>
                // A request taken out of the queue never ran: its reason is all there is.
                rowData.runId ? (
                  <DeploymentEvents entityRef={{ kind, namespace, name }} family={family} versionId={rowData.versionId} />
                ) : (
                  <DetailPanel>
                    <Typography variant="body2">Never ran: {rowData.reason}</Typography>
                  </DetailPanel>
                ),
            },
          ]
        : undefined,
    [kind, namespace, name, family],
  );
  return (
    <Table<DeploymentHistoryEntry>
      title="History"
      options={{ search: false, paging: history.length > 10, pageSize: 10, padding: 'dense', draggable: false }}
      columns={columns}
      data={data}
      detailPanel={detailPanel}
      onRowClick={events ? (_event, _row, togglePanel) => togglePanel?.() : undefined}
      emptyContent={noDeploymentYet}
    />
  );
}
