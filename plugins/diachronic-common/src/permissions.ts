import type { ControlAction } from '@diachronic/contract';
import { createPermission, ResourcePermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/*
 * One permission per action, each on the catalog entity that owns the family (annotation
 * `diachronic.dev/workflows`), so policies can use the catalog's rules (e.g. isEntityOwner).
 */

/** See a family's versions, deployments, queue and history. */
export const diachronicDeploymentReadPermission = createPermission({
  name: 'diachronic.deployment.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Leave dark: start the rollout of a deployment waiting in `dark`. */
export const diachronicDeploymentPromotePermission = createPermission({
  name: 'diachronic.deployment.promote',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Set the live percentage by hand (the rollout then stops itself). */
export const diachronicDeploymentOverridePermission = createPermission({
  name: 'diachronic.deployment.override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Pause and resume a rollout. */
export const diachronicDeploymentPauseResumePermission = createPermission({
  name: 'diachronic.deployment.pause-resume',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Abort a deployment: live to 0%, rollout and migration stopped. */
export const diachronicDeploymentAbortPermission = createPermission({
  name: 'diachronic.deployment.abort',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Take a queued deployment request out of its family's queue before it starts. */
export const diachronicDeploymentCancelPermission = createPermission({
  name: 'diachronic.deployment.cancel',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Request a deployment by hand (GitHub webhooks are authenticated by their signature instead). */
export const diachronicDeploymentStartPermission = createPermission({
  name: 'diachronic.deployment.start',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Freeze and unfreeze the entity's families: no deployment of theirs starts or takes a step meanwhile. */
export const diachronicFreezePermission = createPermission({
  name: 'diachronic.freeze',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Freeze and unfreeze every family at once (not tied to an entity: for administrators). */
export const diachronicFreezeAllPermission = createPermission({
  name: 'diachronic.freeze.all',
  attributes: { action: 'update' },
});

export const diachronicPermissions = [
  diachronicDeploymentReadPermission,
  diachronicDeploymentPromotePermission,
  diachronicDeploymentOverridePermission,
  diachronicDeploymentPauseResumePermission,
  diachronicDeploymentAbortPermission,
  diachronicDeploymentCancelPermission,
  diachronicDeploymentStartPermission,
  diachronicFreezePermission,
  diachronicFreezeAllPermission,
];

/** The permission each control action needs; the UI mirrors it with `useEntityPermission`. */
export const diachronicControlPermissions = {
  promote: diachronicDeploymentPromotePermission,
  override: diachronicDeploymentOverridePermission,
  pause: diachronicDeploymentPauseResumePermission,
  resume: diachronicDeploymentPauseResumePermission,
  abort: diachronicDeploymentAbortPermission,
  cancel: diachronicDeploymentCancelPermission,
} as const satisfies Record<ControlAction, ResourcePermission<'catalog-entity'>>;
