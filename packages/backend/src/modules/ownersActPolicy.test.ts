import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult, createPermission, isResourcePermission } from '@backstage/plugin-permission-common';
import {
  diachronicDeploymentAbortPermission,
  diachronicDeploymentReadPermission,
  diachronicDeploymentStartPermission,
  diachronicFreezeAllPermission,
  diachronicPermissions,
} from '@diachronic/backstage-plugin-diachronic-common';
import { OwnersActPolicy } from './ownersActPolicy';

const ownership = ['user:default/guest', 'group:default/team-orders'];
const userInfo = {
  getUserInfo: jest.fn(async () => ({
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ownership,
  })),
};
const policy = new OwnersActPolicy(userInfo);
const user = {
  credentials: mockCredentials.user('user:default/guest'),
  info: { userEntityRef: 'user:default/guest', ownershipEntityRefs: ownership },
};

describe('OwnersActPolicy', () => {
  it('lets every signed-in user read deployments and the catalog', async () => {
    await expect(policy.handle({ permission: diachronicDeploymentReadPermission }, user)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(policy.handle({ permission: catalogEntityReadPermission }, user)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it.each(diachronicPermissions.filter(p => p !== diachronicDeploymentReadPermission && isResourcePermission(p, 'catalog-entity')))(
    'allows $name only on entities the user or one of its groups owns',
    async permission => {
      await expect(policy.handle({ permission }, user)).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ownership },
        },
      });
    },
  );

  it('denies the freeze of every family, which no entity owns: this example has no administrators', async () => {
    await expect(policy.handle({ permission: diachronicFreezeAllPermission }, user)).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('denies actions to callers that are not users', async () => {
    await expect(policy.handle({ permission: diachronicDeploymentAbortPermission })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(policy.handle({ permission: diachronicDeploymentStartPermission })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('leaves other plugins’ permissions allowed', async () => {
    const other = createPermission({
      name: 'other.thing.delete',
      attributes: { action: 'delete' },
    });
    await expect(policy.handle({ permission: other }, user)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
