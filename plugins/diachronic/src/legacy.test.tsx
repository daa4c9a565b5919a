import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { catalogPlugin, EntityLayout } from '@backstage/plugin-catalog';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import { diachronicApiRef, EntityDiachronicContent, isDiachronicAvailable } from '.';
import { entity, familyView, fakeApi } from './__testUtils__/fixtures';


describe('the plugin in a legacy app', () => {
  it('composes into an entity page as the Rollout tab and shows the entity’s families', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () => ({ entityRef: 'component:default/orders', families: [familyView()] })),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [diachronicApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [catalogApiRef, catalogApiMock({ entities: [entity] })],
          [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityLayout>
            <EntityLayout.Route path="/" title="Overview">
              <div>overview</div>
            </EntityLayout.Route>
            <EntityLayout.Route path="/rollout" title="Rollout" if={isDiachronicAvailable}>
              <EntityDiachronicContent />
            </EntityLayout.Route>
          </EntityLayout>
        </EntityProvider>
      </TestApiProvider>,
      {
        routeEntries: ['/rollout'],
        mountedRoutes: { '/catalog': catalogPlugin.routes.catalogIndex, '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(screen.getByRole('tab', { name: 'Rollout' })).toBeInTheDocument();
    expect(await screen.findByText('Family order')).toBeInTheDocument();
  });
});
