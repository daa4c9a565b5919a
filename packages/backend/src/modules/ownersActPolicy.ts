import { coreServices, createBackendModule, type UserInfoService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, isResourcePermission, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { catalogConditions, createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import {
  diachronicDeploymentReadPermission,
  diachronicPermissions,
} from '@diachronic/backstage-plugin-diachronic-common';

const diachronicPermissionNames = new Set(diachronicPermissions.map(permission => permission.name));

/**
 * Everyone signed in may read; Diachronic's actions (promote, override, pause/resume, abort, start) are
 * allowed on the entities the user owns, directly or through a group. Everything else is allowed, as in
 * a local app without a stricter policy.
 */
export class OwnersActPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: Pick<UserInfoService, 'getUserInfo'>) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !diachronicPermissionNames.has(permission.name) ||
      permission.name === diachronicDeploymentReadPermission.name
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user || !isResourcePermission(permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(user.credentials);
    return createCatalogConditionalDecision(
      permission,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }
}

export const ownersActPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'diachronic-owners-act-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new OwnersActPolicy(userInfo));
      },
    });
  },
});
