/**
 * The plugin on its own against the local services (`npm run services`), with a fixed catalog and
 * every permission allowed:
 *
 *   set -a; . ../../.state/services.env; set +a
 *   GITHUB_WEBHOOK_SECRET=dev-secret npx backstage-cli package start
 *
 *   curl -s localhost:7007/api/diachronic/deployments
 *   curl -s localhost:7007/api/diachronic/entity/default/component/orders/families
 *   curl -s -XPOST localhost:7007/api/diachronic/entity/default/component/orders/deployments \
 *     -H 'Content-Type: application/json' -d '{"family":"order","versionId":"0123abc"}'
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DIACHRONIC_WORKFLOWS_ANNOTATION,
  GITHUB_PROJECT_SLUG_ANNOTATION,
} from '@diachronic/backstage-plugin-diachronic-common';

const backend = createBackend();

// Requests without a token act as the mock user `user:default/mock`.
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }));
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'orders',
          title: 'Orders',
          annotations: {
            [DIACHRONIC_WORKFLOWS_ANNOTATION]: 'order',
            [GITHUB_PROJECT_SLUG_ANNOTATION]: 'example/orders',
          },
        },
        spec: { type: 'service', lifecycle: 'experimental', owner: 'team-orders' },
      },
    ],
  }),
);
backend.add(import('../src'));

backend.start();
