/*
 * The Backstage backend of the local app: catalog with the example entities, guest sign-in, the
 * permission framework with a policy where owners act and everyone else reads, Diachronic, and the MCP
 * server that offers Diachronic's actions to agents (acting for the user whose token they hold).
 */
import { createBackend } from '@backstage/backend-defaults';
import { ownersActPolicyModule } from './modules/ownersActPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(ownersActPolicyModule);
backend.add(import('@diachronic/backstage-plugin-diachronic-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));
// Pushes Diachronic's live updates to the browsers (the Rollout tab and Deployments page subscribe).
backend.add(import('@backstage/plugin-signals-backend'));
// Diachronic tells a family's owners of its deployments' changes through notifications.
backend.add(import('@backstage/plugin-notifications-backend'));

backend.start();
