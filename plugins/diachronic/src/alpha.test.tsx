import { screen } from '@testing-library/react';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester, renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import diachronicPlugin, { diachronicEntityContent } from './alpha';
import { diachronicApiRef } from './api';
import { entity, fakeApi } from './__testUtils__/fixtures';

describe('the plugin for the new frontend system', () => {
  it('serves the Deployments page at /diachronic with the API client the app provides', async () => {
    const api = fakeApi({
      listDeployments: jest.fn(async () => ({
        items: [{ family: 'order', entityRef: 'component:default/orders', queueLength: 0 }],
        totalCount: 1,
        offset: 0,
        limit: 1000,
      })),
    });
    renderTestApp({
      features: [diachronicPlugin],
      apis: [[diachronicApiRef, api]],
      initialRouteEntries: ['/diachronic'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef) },
    });
    expect(await screen.findByRole('link', { name: 'order' })).toHaveAttribute(
      'href',
      '/catalog/default/component/orders/rollout',
    );
    expect(api.listDeployments).toHaveBeenCalled();
  });

  it('adds the Rollout tab at /rollout, only to entities that own workflow families', () => {
    const tester = createExtensionTester(diachronicEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/rollout');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Rollout');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity)).toBe(true);
    expect(filter({ ...entity, metadata: { name: 'x', annotations: {} } })).toBe(false);
  });
});
