import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { InfoCard } from '@backstage/core-components';
import { CompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { describeShares, splitOfVersions, type DeploymentState, type FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { formatTime } from '../../format';
import { useControlPermissions, useDeploymentControl } from '../../hooks';
import { DeploymentActions } from '../DeploymentActions';
import { DeploymentHistory, EventsTimeline } from '../DeploymentHistory';
import { DeploymentProgress } from '../DeploymentProgress';
import { FamilyFreeze } from '../FamilyFreeze';
import { FamilyPolicy } from '../FamilyPolicy';
import { SplitBar } from '../SplitBar';
import { VersionsTable } from '../VersionsTable';
import { WrappedListItemText } from '../WrappedListItemText';

interface RunningDeploymentProps {
  entityRef: CompoundEntityRef;
  deployment: DeploymentState;
  onChanged: () => void;
  temporalUiUrl?: string;
  policy?: FamilyView['policy'];
}

/** The steps a deployment runs with: its request's, else the family's policy's. */
function scheduleOf(deployment: DeploymentState, policy?: FamilyView['policy']) {
  const fromPolicy = policy?.settings.find(setting => setting.key === 'schedule')?.value;
  return deployment.request.options.schedule ?? (Array.isArray(fromPolicy) ? (fromPolicy as Array<{ percent: number }>) : undefined);
}

function RunningDeployment({ entityRef, deployment, onChanged, temporalUiUrl, policy }: RunningDeploymentProps) {
  const permissions = useControlPermissions(entityRef);
  const onControl = useDeploymentControl(entityRef, deployment, onChanged);
  return (
    <>
      <DeploymentProgress deployment={deployment} temporalUiUrl={temporalUiUrl} schedule={scheduleOf(deployment, policy)} />
      <DeploymentActions deployment={deployment} permissions={permissions} onControl={onControl} />
      <Box mt={2}>
        <Typography variant="subtitle2">Events</Typography>
        <EventsTimeline events={deployment.events} />
      </Box>
    </>
  );
}

function Queue({ queue }: { queue: FamilyView['queue'] }) {
  if (queue.length === 0) return null;
  return (
    <Box mt={2} data-testid="queue">
      <Typography variant="subtitle2">Waiting ({queue.length})</Typography>
      <List dense aria-label="queued deployments">
        {queue.map((entry, i) => (
          <ListItem key={entry.versionId}>
            <WrappedListItemText
              primary={`${i + 1}. ${entry.versionId}`}
              secondary={`requested by ${entry.requestedBy.who} ${formatTime(entry.requestedAt)}${
                entry.requestedBy.why ? ` · ${entry.requestedBy.why}` : ''
              }`}
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

export interface FamilyPanelProps {
  entityRef: CompoundEntityRef;
  family: FamilyView;
  /** Called after a control succeeded, so the view reloads. */
  onChanged: () => void;
  /** The entity's `github.com/project-slug`: versions link their commits. */
  githubSlug?: string;
  /** The entity tab of Backstage's Kubernetes plugin (`diachronic.kubernetesTabPath`): versions link their workers there. */
  kubernetesTabPath?: string;
}

/** Everything about one family: the running deployment and its controls, the queue, versions, history. */
export function FamilyPanel({ entityRef, family, onChanged, githubSlug, kubernetesTabPath }: FamilyPanelProps) {
  // From an older backend, the same rule computed here.
  const split = family.split ?? splitOfVersions(family.versions);
  const serving = split.live.length > 0 ? describeShares(split.live) : undefined;
  return (
    <InfoCard title={`Family ${family.family}`} subheader={serving ? `new workflows: ${serving}` : 'no live version'}>
      {family.problems?.map(problem => (
        <Alert key={problem} severity="warning">
          {problem}
        </Alert>
      ))}
      <FamilyFreeze entityRef={entityRef} family={family} onChanged={onChanged} />
      {family.versions.length > 0 && <SplitBar split={split} />}
      {family.deployment ? (
        <RunningDeployment
          entityRef={entityRef}
          deployment={family.deployment}
          onChanged={onChanged}
          temporalUiUrl={family.temporalUiUrl}
          policy={family.policy}
        />
      ) : (
        <Box mb={2}>
          <Typography variant="subtitle1">No deployment running</Typography>
          {!serving && (
            <Typography variant="body2" color="textSecondary">
              A GitHub deployment or a manual start will appear here.
            </Typography>
          )}
        </Box>
      )}
      <Queue queue={family.queue} />
      {family.policy && (
        <Box mt={2}>
          <FamilyPolicy family={family.family} policy={family.policy} />
        </Box>
      )}
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <VersionsTable
            family={family.family}
            versions={family.versions}
            split={split}
            links={{
              temporalUiUrl: family.temporalUiUrl,
              unleashUiUrl: family.unleashUiUrl,
              githubSlug,
              ...(kubernetesTabPath && { kubernetesTab: { entityRef: stringifyEntityRef(entityRef), path: kubernetesTabPath } }),
            }}
          />
        </Grid>
        <Grid item xs={12}>
          <DeploymentHistory history={family.history} events={{ entityRef, family: family.family }} />
        </Grid>
      </Grid>
    </InfoCard>
  );
}
