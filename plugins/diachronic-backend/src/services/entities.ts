/** The catalog side: which entity owns which families, and whether the caller may act on it. */
import { AuthService, BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, ResourcePermission } from '@backstage/plugin-permission-common';
import {
  DIACHRONIC_WORKFLOWS_ANNOTATION,
  EntityRouteRef,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  diachronicDeploymentAbortPermission,
  diachronicDeploymentOverridePermission,
  diachronicDeploymentPauseResumePermission,
  diachronicDeploymentPromotePermission,
  diachronicDeploymentReadPermission,
  diachronicDeploymentStartPermission,
  diachronicFreezePermission,
  familiesOf,
} from '@diachronic/backstage-plugin-diachronic-common';

export interface OwningEntity {
  entityRef: string;
  title?: string;
  /** `spec.owner` as a full entity ref. */
  owner?: string;
  families: string[];
}

const FIELDS = ['kind', 'metadata.namespace', 'metadata.name', 'metadata.title', 'metadata.annotations', 'spec.owner'];

function ownerRef(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }),
    );
  } catch {
    return owner;
  }
}

function owningEntity(entity: Entity): OwningEntity {
  const owner = ownerRef(entity);
  return {
    entityRef: stringifyEntityRef(entity),
    ...(entity.metadata.title && { title: entity.metadata.title }),
    ...(owner && { owner }),
    families: familiesOf(entity),
  };
}

/** What each permission lets a person do, for messages: "not allowed to promote deployments of …". */
const actions = new Map<string, string>([
  [diachronicDeploymentReadPermission.name, 'read deployments'],
  [diachronicDeploymentPromotePermission.name, 'promote deployments'],
  [diachronicDeploymentOverridePermission.name, 'override the live percentage of deployments'],
  [diachronicDeploymentPauseResumePermission.name, 'pause or resume deployments'],
  [diachronicDeploymentAbortPermission.name, 'abort deployments'],
  [diachronicDeploymentStartPermission.name, 'start deployments'],
  [diachronicFreezePermission.name, 'freeze or unfreeze the families'],
]);

/**
 * A catalog call. The catalog refusing what we asked (400, 414, 431: a malformed or oversized ref or filter
 * that got past our validation) is the caller's bad input, a 400 of ours, not a 500.
 */
async function fromCatalog<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { response?: { status?: number } }).response?.status;
    if (status === 400 || status === 414 || status === 431) throw new InputError(`the catalog refused ${what} (HTTP ${status})`);
    throw error;
  }
}

export class EntityAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
  ) {}

  /**
   * The entity a request addresses, once the caller may use `permission` on it: 404 when the catalog
   * does not show it to the caller, 403 naming the action and the entity when the policy denies.
   */
  async authorizedEntity(
    route: EntityRouteRef,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<OwningEntity> {
    const entityRef = stringifyEntityRef({ kind: route.kind, namespace: route.namespace ?? 'default', name: route.name });
    const [entity, [decision]] = await Promise.all([
      fromCatalog(`the entity ${entityRef}`, () => this.catalog.getEntityByRef(entityRef, { credentials })),
      this.permissions.authorize([{ permission, resourceRef: entityRef }], { credentials }),
    ]);
    if (!entity) throw new NotFoundError(`no catalog entity ${entityRef}`);
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to ${actions.get(permission.name) ?? permission.name} of ${entityRef} (permission ${permission.name})`,
      );
    }
    return owningEntity(entity);
  }

  /** The entity's family, or 404 naming the families it does own. */
  static requireFamily(entity: OwningEntity, family: string): void {
    if (!entity.families.includes(family)) {
      const owned = entity.families.length > 0 ? entity.families.join(', ') : 'none';
      throw new NotFoundError(
        `${entity.entityRef} does not own the family ${family} (annotation ${DIACHRONIC_WORKFLOWS_ANNOTATION}: ${owned})`,
      );
    }
  }

  /** Every entity with the annotation the caller may read deployments of: one catalog query, one authorize batch. */
  async readableOwningEntities(
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<OwningEntity[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { [`metadata.annotations.${DIACHRONIC_WORKFLOWS_ANNOTATION}`]: CATALOG_FILTER_EXISTS }, fields: FIELDS },
      { credentials },
    );
    const entities = items.map(owningEntity).filter(entity => entity.families.length > 0);
    if (entities.length === 0) return [];
    const decisions = await this.permissions.authorize(
      entities.map(entity => ({ permission, resourceRef: entity.entityRef })),
      { credentials },
    );
    return entities.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW);
  }

  /** Entities whose `github.com/project-slug` is this repository (`owner/repo`), case-insensitively. */
  async entitiesOfRepository(fullName: string, credentials: BackstageCredentials): Promise<OwningEntity[]> {
    const { items } = await fromCatalog(`the entities of repository ${fullName}`, () =>
      this.catalog.getEntities(
        { filter: { [`metadata.annotations.${GITHUB_PROJECT_SLUG_ANNOTATION}`]: fullName }, fields: FIELDS },
        { credentials },
      ),
    );
    return items.map(owningEntity);
  }
}

/**
 * The catalog's entities that name each family, as the plugin itself may read them, read at most once a
 * `refreshMs` (for whom to tell of a change, and which Rollout tab to link: a change is frequent, an
 * owner's change rare).
 */
export class FamilyEntities {
  private read: { at: number; entities: Promise<OwningEntity[]> } | undefined;

  constructor(
    private readonly entities: EntityAccess,
    private readonly auth: AuthService,
    private readonly refreshMs = 60_000,
  ) {}

  async of(family: string): Promise<OwningEntity[]> {
    if (!this.read || Date.now() - this.read.at > this.refreshMs) {
      const entities = this.auth
        .getOwnServiceCredentials()
        .then(credentials => this.entities.readableOwningEntities(diachronicDeploymentReadPermission, credentials));
      this.read = { at: Date.now(), entities };
      // A failed read is not kept: the next change asks again.
      entities.catch(() => (this.read = undefined));
    }
    return (await this.read.entities).filter(entity => entity.families.includes(family));
  }
}

/** The entity's Rollout tab, relative to the app (notifications and GitHub statuses link it). */
export function rolloutTabPath(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/catalog/${namespace}/${kind}/${name}/rollout`;
}
