import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Table, TableColumn } from '@backstage/core-components';
import type { DrainForecast, FamilyVersion, VersionStatus } from '@diachronic/backstage-plugin-diachronic-common';
import { formatTime } from '../../format';
import { useStableRows } from '../tableRows';

const statusLabel: Record<VersionStatus, string> = {
  live: 'Live',
  dark: 'Dark',
  aborted: 'Aborted',
  archived: 'Archived',
};

/** An old version's queue: what still runs there and when it will be empty. */
function DrainCell({ drain }: { drain: DrainForecast }) {
  if (drain.running === 0) return <Typography variant="body2">empty</Typography>;
  return (
    <Box data-testid="drain">
      <Typography variant="body2">{drain.running} running</Typography>
      <Typography variant="caption" color="textSecondary" display="block">
        {drain.emptyAt
          ? `empty by ${formatTime(drain.emptyAt)} · ${drain.leavingPerMinute}/min leaving`
          : `forecast unknown: ${drain.unknown}`}
      </Typography>
    </Box>
  );
}

const columns: TableColumn<FamilyVersion>[] = [
  { title: 'Seq', field: 'seq', type: 'numeric', width: '6%' },
  { title: 'Version', field: 'versionId', render: row => <code>{row.versionId}</code> },
  { title: 'Task queue', field: 'taskQueue', render: row => <code>{row.taskQueue}</code> },
  { title: 'Flag', field: 'flag', render: row => <code>{row.flag}</code> },
  {
    title: 'Live %',
    field: 'livePercent',
    type: 'numeric',
    render: row => (
      <Box minWidth={100}>
        <Typography variant="body2">{row.livePercent}%</Typography>
        <LinearProgress
          variant="determinate"
          value={row.livePercent}
          aria-label={`live percentage of ${row.versionId}`}
        />
      </Box>
    ),
  },
  {
    title: 'Drain',
    field: 'drain.running',
    render: row => (row.drain ? <DrainCell drain={row.drain} /> : '—'),
  },
  {
    title: 'Status',
    field: 'status',
    render: row => (
      <Box>
        <Chip size="small" label={statusLabel[row.status]} />
        {row.darkEnabled && row.status !== 'dark' && <Chip size="small" variant="outlined" label="dark on" />}
        {row.aborted && (
          <Typography variant="caption" display="block">
            aborted by {row.aborted.who} {formatTime(row.aborted.at)}
            {row.aborted.why && `: ${row.aborted.why}`}
          </Typography>
        )}
      </Box>
    ),
  },
];

const versionIdOf = (version: FamilyVersion) => version.versionId;

const noVersionYet = (
  <Box p={2}>
    <Typography>No version deployed yet.</Typography>
  </Box>
);

/** A family's versions, newest first, as their flags route now. */
export function VersionsTable({ versions }: { versions: FamilyVersion[] }) {
  const data = useStableRows(versions, versionIdOf);
  return (
    <Table<FamilyVersion>
      title="Versions"
      options={{ search: false, paging: versions.length > 10, pageSize: 10, padding: 'dense' }}
      columns={columns}
      data={data}
      emptyContent={noVersionYet}
    />
  );
}
