import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { UnleashAdminClient, VersionFlags } from '@diachronic/ci/unleash';
import { diachronicPermissions, diachronicRoutes } from '@diachronic/backstage-plugin-diachronic-common';
import { readDiachronicConfig } from './config';
import { createRouter } from './router';
import { DeploymentRequests } from './services/DeploymentRequests';
import { DeploymentService } from './services/DeploymentService';
import { EntityAccess } from './services/entities';
import { GithubWebhookService } from './services/GithubWebhookService';
import { createTemporalAccess } from './services/temporal';

/**
 * Diachronic CI: deployments of Temporal workflow workers, their controls, manual starts and the
 * GitHub webhook, on the owning catalog entity's permissions.
 *
 * @public
 */
export const diachronicPlugin = createBackendPlugin({
  pluginId: 'diachronic',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({ logger, config, httpRouter, httpAuth, auth, permissions, permissionsRegistry, lifecycle, catalog }) {
        const settings = readDiachronicConfig(config);
        permissionsRegistry.addPermissions(diachronicPermissions);

        const temporal = createTemporalAccess(settings);
        lifecycle.addShutdownHook(() => temporal.close());
        const versionFlags = new VersionFlags(new UnleashAdminClient(settings.unleash));
        const entities = new EntityAccess(catalog, permissions);
        const requests = new DeploymentRequests(temporal, settings);

        const deployments = new DeploymentService({
          temporal,
          versionFlags,
          entities,
          requests,
          taskQueue: settings.temporal.taskQueue,
          logger,
        });
        const githubWebhooks = new GithubWebhookService({
          secret: settings.github.webhookSecret,
          environments: settings.github.environments,
          entities,
          requests,
          auth,
          logger,
        });

        httpRouter.addAuthPolicy({ path: diachronicRoutes.githubWebhook, allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.use(await createRouter({ httpAuth, deployments, githubWebhooks }));
      },
    });
  },
});
