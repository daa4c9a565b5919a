import { useCallback, useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DIACHRONIC_WORKFLOWS_ANNOTATION,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  diachronicDeploymentStartPermission,
  familiesOf,
  StartDeploymentRequest,
} from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../../api';
import { useEntityFamilies } from '../../hooks';
import { FamilyPanel } from '../FamilyPanel';
import { StartDeploymentForm } from '../StartDeploymentForm';

/** The manual start form for the current entity's families; nothing without the start permission. */
export function EntityStartDeploymentCard({ onStarted }: { onStarted?: () => void }) {
  const { entity } = useEntity();
  const api = useApi(diachronicApiRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { allowed } = usePermission({
    permission: diachronicDeploymentStartPermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const families = familiesOf(entity);
  const start = useCallback(
    async (request: StartDeploymentRequest) => {
      const result = await api.startDeployment(entityRef, request);
      onStarted?.();
      return result;
    },
    [api, entityRef, onStarted],
  );
  if (!allowed || families.length === 0) return null;
  return (
    <InfoCard title="Start a deployment">
      <StartDeploymentForm families={families} onSubmit={start} />
    </InfoCard>
  );
}

function EntityRollout() {
  const { entity } = useEntity();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, error, loading, refreshing, retry } = useEntityFamilies();

  if (loading) return <Progress />;
  return (
    <Grid container spacing={3}>
      {error && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={error} />
          <Box mt={1}>
            <Button variant="outlined" onClick={retry}>
              Retry
            </Button>
          </Box>
        </Grid>
      )}
      {/* Space kept so the refresh indicator does not move the page. */}
      <Grid item xs={12} style={{ minHeight: 4, paddingTop: 0, paddingBottom: 0 }}>
        {refreshing && <LinearProgress aria-label="refreshing" style={{ height: 2 }} />}
      </Grid>
      {value?.families.map(family => (
        <Grid item xs={12} key={family.family}>
          <FamilyPanel
            entityRef={entityRef}
            family={family}
            onChanged={retry}
            githubSlug={entity.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION]}
          />
        </Grid>
      ))}
      <Grid item xs={12}>
        <EntityStartDeploymentCard onStarted={retry} />
      </Grid>
    </Grid>
  );
}

/** The entity Rollout tab: one panel per family the entity owns. */
export function EntityDiachronicContent() {
  const { entity } = useEntity();
  if (familiesOf(entity).length === 0) {
    return <MissingAnnotationEmptyState annotation={DIACHRONIC_WORKFLOWS_ANNOTATION} />;
  }
  return <EntityRollout />;
}
