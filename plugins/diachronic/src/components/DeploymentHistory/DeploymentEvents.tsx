import Button from '@material-ui/core/Button';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useDeploymentState } from '../../hooks';
import { DeploymentChart } from '../DeploymentChart';
import { DetailPanel } from '../tableRows';
import { EventsTimeline } from './EventsTimeline';

export interface DeploymentEventsProps {
  entityRef: CompoundEntityRef;
  family: string;
  versionId: string;
}

/** The events of one past deployment, loaded when its history row is opened. */
export function DeploymentEvents({ entityRef, family, versionId }: DeploymentEventsProps) {
  const { value, error, loading, retry } = useDeploymentState(entityRef, family, versionId);
  return (
    <DetailPanel>
      {loading && <Progress />}
      {error && (
        <>
          <ResponseErrorPanel error={error} />
          <Button variant="outlined" onClick={retry}>
            Retry
          </Button>
        </>
      )}
      {value && (
        <>
          <DeploymentChart deployment={value} />
          <EventsTimeline events={value.events} />
        </>
      )}
    </DetailPanel>
  );
}
