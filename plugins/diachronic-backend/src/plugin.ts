import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { diachronicPermissions, diachronicRoutes } from '@diachronic/backstage-plugin-diachronic-common';
import { registerDiachronicActions } from './actions';
import { readDiachronicConfig } from './config';
import { createRouter } from './router';
import { DeploymentChangeFeed } from './services/DeploymentChangeFeed';
import { DeploymentControlService } from './services/DeploymentControlService';
import { DeploymentListService } from './services/DeploymentListService';
import { DeploymentRequests } from './services/DeploymentRequests';
import { DeploymentNotifier } from './services/notifications/DeploymentNotifier';
import { DeploymentPolicies } from './services/deploymentPolicy';
import { EndedDeployments } from './services/EndedDeployments';
import { EntityAccess, FamilyEntities } from './services/entities';
import { FamilyViewService } from './services/FamilyViewService';
import { FreezeService } from './services/FreezeService';
import { GithubStatusReporter } from './services/github/GithubStatusReporter';
import { GithubWebhookService } from './services/GithubWebhookService';
import { createTemporalAccess } from './services/temporal';
import { UnleashVersions } from './services/UnleashVersions';

/**
 * Diachronic CI: deployments of Temporal workflow workers, their controls, manual starts and the
 * GitHub webhook, on the owning catalog entity's permissions; the reads and controls are also actions of
 * the actions registry (for agents).
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
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
      },
      async init({
        logger,
        config,
        httpRouter,
        httpAuth,
        auditor,
        auth,
        permissions,
        permissionsRegistry,
        lifecycle,
        catalog,
        actionsRegistry,
        signals,
        notifications,
      }) {
        const settings = readDiachronicConfig(config);
        permissionsRegistry.addPermissions(diachronicPermissions);

        const temporal = createTemporalAccess(settings);
        const policies = new DeploymentPolicies(settings.deploymentDefaults, settings.families);
        const entities = new EntityAccess(catalog, permissions);
        const familyEntities = new FamilyEntities(entities, auth);
        const notifier = new DeploymentNotifier({ temporal, familyEntities, logger, notifications, settingsFor: settings.notificationsFor });
        const integrations = ScmIntegrations.fromConfig(config);
        // Driven by the change feed: without live updates, nothing is reported to GitHub.
        const githubStatuses = settings.liveUpdates
          ? new GithubStatusReporter({
              temporal,
              familyEntities,
              integrations,
              credentials: DefaultGithubCredentialsProvider.fromIntegrations(integrations),
              logger,
              appBaseUrl: config.getOptionalString('app.baseUrl'),
            })
          : undefined;
        const changeFeed = settings.liveUpdates
          ? new DeploymentChangeFeed({
              temporal,
              signals,
              logger,
              onChange: ({ family, workflowId }) => {
                void notifier.changed(family, workflowId);
                void githubStatuses?.changed(family, workflowId);
              },
            })
          : undefined;
        if (changeFeed) lifecycle.addStartupHook(() => changeFeed.start());
        // The feed first: its polls end before the connection they use closes.
        lifecycle.addShutdownHook(async () => {
          await changeFeed?.stop();
          await temporal.close();
        });
        const requests = new DeploymentRequests(temporal, policies, request =>
          changeFeed?.followDeployment(request.family, request.versionId),
        );

        const endedDeployments = new EndedDeployments(temporal, logger);
        const deploymentList = new DeploymentListService({ temporal, entities, endedDeployments });
        const familyViews = new FamilyViewService({
          temporal,
          unleashVersions: new UnleashVersions(settings.unleash),
          entities,
          endedDeployments,
          policies,
          logger,
          unleashProjectUiUrl: settings.unleash.projectUiUrl,
        });
        const deploymentControls = new DeploymentControlService({ temporal, entities, requests });
        const freezes = new FreezeService({ temporal, entities, permissions });
        const githubWebhooks = new GithubWebhookService({
          secret: settings.github.webhookSecret,
          environments: settings.github.environments,
          entities,
          requests,
          auth,
          logger,
          githubStatuses,
        });

        httpRouter.addAuthPolicy({ path: diachronicRoutes.githubWebhook, allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        registerDiachronicActions({ actionsRegistry, auth, auditor, deploymentList, deploymentControls });
        httpRouter.use(await createRouter({ httpAuth, auditor, deploymentList, familyViews, deploymentControls, freezes, githubWebhooks }));
      },
    });
  },
});
