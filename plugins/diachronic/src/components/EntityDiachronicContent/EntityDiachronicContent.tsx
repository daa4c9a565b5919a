import { useCallback, useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { Entity, getCompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
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
import { StartDeploymentButton } from '../StartDeploymentForm';

/** Why the user may not start a deployment of the entity's families, naming who to ask. */
function startBlocker(entity: Entity): string {
  const owner = typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined;
  const lacking = `You lack the permission ${diachronicDeploymentStartPermission.name} on this entity`;
  return owner ? `${lacking}: ask its owner, ${owner}.` : `${lacking}.`;
}

/** "Start a deployment" of the current entity's families; disabled, saying why, without the start permission. */
function EntityStartDeployment({ onStarted }: { onStarted?: () => void }) {
  const { entity } = useEntity();
  const api = useApi(diachronicApiRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { loading, allowed } = usePermission({
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
  if (families.length === 0) return null;
  return (
    <StartDeploymentButton
      families={families}
      onSubmit={start}
      // While the permission is checked the button waits, without a reason that may not hold.
      disabled={loading}
      disabledReason={loading || allowed ? undefined : startBlocker(entity)}
    />
  );
}

/** The start button as a card, for an entity's overview page. */
export function EntityStartDeploymentCard({ onStarted }: { onStarted?: () => void }) {
  const { entity } = useEntity();
  const families = familiesOf(entity);
  if (families.length === 0) return null;
  return (
    <InfoCard title="Manual deployment" subheader={`Families: ${families.join(', ')}`}>
      <EntityStartDeployment onStarted={onStarted} />
    </InfoCard>
  );
}

/** `diachronic.kubernetesTabPath` without its slashes; undefined when not configured. */
function useKubernetesTabPath(): string | undefined {
  const path = useApi(configApiRef).getOptionalString('diachronic.kubernetesTabPath')?.replace(/^\/+|\/+$/g, '');
  return path || undefined;
}

function EntityRollout() {
  const { entity } = useEntity();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, error, loading, refreshing, retry } = useEntityFamilies();
  const kubernetesTabPath = useKubernetesTabPath();

  if (loading) return <Progress />;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EntityStartDeployment onStarted={retry} />
      </Grid>
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
            kubernetesTabPath={kubernetesTabPath}
          />
        </Grid>
      ))}
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
