import { useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Content, Header, Page, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import type { DeploymentListQuery } from '@diachronic/backstage-plugin-diachronic-common';
import { useDeployments } from '../../hooks';
import { DeploymentFilters, DeploymentFilterValues } from './DeploymentFilters';
import { DeploymentsTable } from './DeploymentsTable';

/** How many families one request asks for: the backend's maximum page. */
const PAGE_LIMIT = 1000;

export interface DeploymentsPageProps {
  /** The path of the Rollout tab under the entity page, as the app mounts it. */
  rolloutTabPath?: string;
}

/** Every family in the catalog with its latest deployment, filtered on the server, sorted in the table. */
export function DeploymentsPage({ rolloutTabPath = 'rollout' }: DeploymentsPageProps) {
  const [filters, setFilters] = useState<DeploymentFilterValues>({ phases: [], owner: '', text: '' });
  const [query, setQuery] = useState<DeploymentListQuery>({ limit: PAGE_LIMIT });
  // Text filters go to the server once typing pauses.
  useDebounce(
    () =>
      setQuery({
        limit: PAGE_LIMIT,
        ...(filters.phases.length > 0 ? { phase: filters.phases } : {}),
        ...(filters.owner.trim() ? { owner: filters.owner.trim() } : {}),
        ...(filters.text.trim() ? { q: filters.text.trim() } : {}),
      }),
    300,
    [filters],
  );
  const { value, error, loading, retry } = useDeployments(query);
  const entityRoute = useRouteRef(entityRouteRef);
  const rolloutLink = useMemo(
    () => (ref: string) => {
      const { kind, namespace, name } = parseEntityRef(ref);
      return `${entityRoute({ kind: kind.toLocaleLowerCase('en-US'), namespace, name })}/${rolloutTabPath}`;
    },
    [entityRoute, rolloutTabPath],
  );

  return (
    <Page themeId="tool">
      <Header title="Deployments" subtitle="Diachronic CI: every workflow family and its rollout" />
      <Content>
        <DeploymentFilters value={filters} onChange={setFilters} />
        {error && (
          <Box mb={2}>
            <ResponseErrorPanel error={error} />
            <Button variant="outlined" onClick={retry}>
              Retry
            </Button>
          </Box>
        )}
        {loading && <Progress />}
        {value && (
          <>
            <DeploymentsTable rows={value.items} rolloutLink={rolloutLink} />
            {value.nextCursor && (
              <Typography variant="caption">
                Showing {value.items.length} of {value.totalCount} families: narrow the filters to see the others.
              </Typography>
            )}
          </>
        )}
      </Content>
    </Page>
  );
}
