import { Fragment, useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Link as AppLink, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteParams, entityRouteRef } from '@backstage/plugin-catalog-react';
import Link from '@material-ui/core/Link';
import Tooltip from '@material-ui/core/Tooltip';
import {
  githubCommitUrl,
  temporalTaskQueueUrl,
  temporalWorkflowsUrl,
  unleashFlagUrl,
  versionWorkerSelector,
  type DrainForecast,
  type FamilyVersion,
  type NewStartsSplit,
  type VersionStatus,
} from '@diachronic/backstage-plugin-diachronic-common';
import { formatTime } from '../../format';
import { DetailPanel, useStableRows } from '../tableRows';

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
      {drain.emptyAt ? (
        <Typography variant="caption" color="textSecondary" display="block">
          empty by {formatTime(drain.emptyAt)} · {drain.leavingPerMinute}/min leaving
        </Typography>
      ) : (
        // Why in full on hover: the reason is long, the column narrow.
        <Typography variant="caption" color="textSecondary" display="block" title={drain.unknown} aria-label={`forecast unknown: ${drain.unknown}`}>
          forecast unknown
        </Typography>
      )}
    </Box>
  );
}

/** Whether the version needs a worker now: routing sends it workflows, or workflows run on it. */
function needsWorker(row: VersionRow): boolean {
  return row.newStarts > 0 || (row.testStarts ?? row.newStarts) > 0 || (row.health?.running ?? 0) > 0;
}

/** The version's worker as Temporal sees it; an alarm when none polls a queue that has work. */
function WorkerCell({ row }: { row: VersionRow }) {
  const { health } = row;
  if (!health) return <>—</>;
  const backlog = health.backlog !== undefined ? ` · backlog ${health.backlog}` : '';
  if (health.pollers === 0 && needsWorker(row)) {
    return (
      <Tooltip title={`No worker polls ${row.taskQueue}: its workflows do not move${backlog}`}>
        <Chip size="small" color="secondary" label="no worker" data-testid={`no-worker-${row.versionId}`} />
      </Tooltip>
    );
  }
  return (
    <>
      <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
        {health.pollers} polling
      </Typography>
      {health.backlog !== undefined && (
        <Typography variant="caption" color="textSecondary" display="block" style={{ whiteSpace: 'nowrap' }}>
          backlog {health.backlog}
        </Typography>
      )}
    </>
  );
}

/** A version's row: its flag, and its share of new workflows as routing computes it. */
interface VersionRow extends FamilyVersion {
  newStarts: number;
  /** Its share of test workflows, where it differs from `newStarts`. */
  testStarts?: number;
}

const columns: TableColumn<VersionRow>[] = [
  { title: 'Seq', field: 'seq', type: 'numeric', width: '6%' },
  {
    title: 'Version',
    field: 'versionId',
    // The status beside the version, so that the table fits at 1024 px.
    render: row => (
      <Box>
        <Box display="flex" alignItems="center" style={{ gap: 6 }}>
          <code style={{ whiteSpace: 'nowrap' }}>{row.versionId}</code>
          <Chip size="small" label={statusLabel[row.status]} />
        </Box>
        {row.aborted && (
          // When and why in full on hover: at 1024 px a reason inline widens the column past the table's edge.
          <Typography
            variant="caption"
            display="block"
            title={`${formatTime(row.aborted.at)}${row.aborted.why ? `: ${row.aborted.why}` : ''}`}
            data-testid={`aborted-${row.versionId}`}
          >
            aborted by {row.aborted.who}
          </Typography>
        )}
      </Box>
    ),
  },
  {
    title: 'New workflows',
    field: 'newStarts',
    type: 'numeric',
    render: row => (
      <Box minWidth={100}>
        <Typography variant="body2">{row.newStarts}%</Typography>
        <LinearProgress variant="determinate" value={row.newStarts} aria-label={`share of new workflows of ${row.versionId}`} />
        {row.testStarts !== undefined && (
          <Typography variant="caption" color="textSecondary" display="block">
            test workflows {row.testStarts}%
          </Typography>
        )}
      </Box>
    ),
  },
  {
    title: 'Running',
    field: 'health.running',
    render: row => {
      if (row.drain) return <DrainCell drain={row.drain} />;
      return row.health ? <Typography variant="body2">{row.health.running} running</Typography> : '—';
    },
  },
  {
    title: 'Worker',
    field: 'health.pollers',
    render: row => <WorkerCell row={row} />,
  },
];

/** The entity tab of Backstage's Kubernetes plugin: `path` under the page of the entity (`kind:namespace/name`). */
export interface KubernetesTab {
  entityRef: string;
  path: string;
}

/** Where to look further: Temporal's web UI, the flag in Unleash, the commit on GitHub, the worker in Kubernetes (each when known). */
export interface VersionLinks {
  temporalUiUrl?: string;
  /** The page of the project holding the flags in Unleash's admin UI (`FamilyView.unleashUiUrl`). */
  unleashUiUrl?: string;
  /** The entity's `github.com/project-slug`. */
  githubSlug?: string;
  kubernetesTab?: KubernetesTab;
}

/** A link to the entity's Kubernetes tab; only rendered when one is configured, as it needs the catalog's entity route. */
function KubernetesTabLink({ tab, children }: { tab: KubernetesTab; children: string }) {
  const entityRoute = useRouteRef(entityRouteRef);
  return <AppLink to={`${entityRoute(entityRouteParams(tab.entityRef))}/${tab.path}`}>{children}</AppLink>;
}

/** Where the version's worker runs: the Deployments the Diachronic worker finds by their labels. */
function WorkerDeployment({ family, row, kubernetesTab }: { family: string; row: VersionRow; kubernetesTab?: KubernetesTab }) {
  const retired = row.status === 'archived';
  const what = 'Kubernetes Deployment';
  return (
    <Typography variant="body2" data-testid={`worker-${row.versionId}`}>
      {kubernetesTab && !retired ? <KubernetesTabLink tab={kubernetesTab}>{what}</KubernetesTabLink> : what} labelled{' '}
      <code>{versionWorkerSelector(family, row.versionId)}</code>
      {retired && ': deleted when the version was retired'}
    </Typography>
  );
}

/** The raw flag behind a row: what Unleash holds, for those who look at Unleash too; and where to look further. */
function FlagDetails({ family, row, links }: { family: string; row: VersionRow; links: VersionLinks }) {
  const { temporalUiUrl, unleashUiUrl, githubSlug, kubernetesTab } = links;
  const outside = [
    temporalUiUrl && { text: 'task queue in Temporal', href: temporalTaskQueueUrl(temporalUiUrl, row.taskQueue) },
    temporalUiUrl && { text: 'its workflows', href: temporalWorkflowsUrl(temporalUiUrl, `TaskQueue = "${row.taskQueue}"`) },
    unleashUiUrl && { text: 'flag in Unleash', href: unleashFlagUrl(unleashUiUrl, row.flag) },
    githubSlug && row.sha && { text: `commit ${row.sha.slice(0, 12)} on GitHub`, href: githubCommitUrl(githubSlug, row.sha) },
  ].filter((link): link is { text: string; href: string } => !!link);
  return (
    <DetailPanel testId={`flag-${row.versionId}`}>
      <Typography variant="body2">
        Task queue <code>{row.taskQueue}</code> · flag <code>{row.flag}</code>
      </Typography>
      <WorkerDeployment family={family} row={row} kubernetesTab={kubernetesTab} />
      {outside.length > 0 && (
        <Typography variant="body2" data-testid={`links-${row.versionId}`}>
          {outside.map((link, i) => (
            <Fragment key={link.text}>
              {i > 0 && ' · '}
              <Link href={link.href} target="_blank" rel="noopener" underline="always">
                {link.text}
              </Link>
            </Fragment>
          ))}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" display="block">
        Live strategy {row.livePercent}% of workflow ids · dark strategy (test workflows) {row.darkEnabled ? 'on' : 'off'}.
        Newer versions take their ids first, so a version's share of new workflows can be less than its flag's percentage.
      </Typography>
    </DetailPanel>
  );
}


const versionIdOf = (version: FamilyVersion) => version.versionId;

const noVersionYet = (
  <Box p={2}>
    <Typography>No version deployed yet.</Typography>
  </Box>
);

export interface VersionsTableProps {
  family: string;
  versions: FamilyVersion[];
  split?: NewStartsSplit;
  links?: VersionLinks;
}

/** A family's versions, newest first, with each one's share of new workflows (`split`, from the backend). */
export function VersionsTable({ family, versions, split, links = {} }: VersionsTableProps) {
  const { temporalUiUrl, unleashUiUrl, githubSlug, kubernetesTab } = links;
  // Strings, so that equal links in new objects do not remount the panel.
  const tabEntityRef = kubernetesTab?.entityRef;
  const tabPath = kubernetesTab?.path;
  // The table uses the panel's render function as a component type: a new one each render would remount it.
  const detailPanel = useMemo(
    () => [
      {
        tooltip: 'Flag, task queue, worker and links',
        render: ({ rowData }: { rowData: VersionRow }) => (
          <FlagDetails
            family={family}
            row={rowData}
            links={{
              temporalUiUrl,
              unleashUiUrl,
              githubSlug,
              kubernetesTab: tabEntityRef && tabPath ? { entityRef: tabEntityRef, path: tabPath } : undefined,
            }}
          />
        ),
      },
    ],
    [family, temporalUiUrl, unleashUiUrl, githubSlug, tabEntityRef, tabPath],
  );
  const rows = useMemo(() => {
    const shareIn = (shares: NewStartsSplit['live'], versionId: string) => shares.find(share => share.versionId === versionId)?.percent ?? 0;
    return versions.map((version): VersionRow => {
      // Without a split (an older backend), the flag's own percentage.
      const newStarts = split ? shareIn(split.live, version.versionId) : version.livePercent;
      const testStarts = split ? shareIn(split.test, version.versionId) : undefined;
      return { ...version, newStarts, ...(testStarts !== undefined && testStarts !== newStarts && { testStarts }) };
    });
  }, [versions, split]);
  const data = useStableRows(rows, versionIdOf);
  return (
    <Table<VersionRow>
      title="Versions"
      options={{ search: false, paging: versions.length > 10, pageSize: 10, padding: 'dense', draggable: false }}
      columns={columns}
      data={data}
      detailPanel={detailPanel}
      emptyContent={noVersionYet}
    />
  );
}
