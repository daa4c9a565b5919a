/** What a command names: a catalog entity (and maybe one of its families), or a family found through the catalog. */
import { CompoundEntityRef, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DIACHRONIC_WORKFLOWS_ANNOTATION,
  type EntityFamiliesResponse,
  type FamilyView,
} from '@diachronic/backstage-plugin-diachronic-common';
import { DiachronicClient, RefusedError } from './client';
import { UsageError } from './args';

export interface Target {
  entity: CompoundEntityRef;
  /** `component:default/orders` */
  entityRef: string;
  /** The family named by `--family` or by the name itself; absent: the entity's (only) family. */
  family?: string;
}

const DEFAULTS = { defaultKind: 'component', defaultNamespace: 'default' };

function entityTarget(ref: string, family: string | undefined): Target {
  let entity: CompoundEntityRef;
  try {
    entity = parseEntityRef(ref, DEFAULTS);
  } catch (error) {
    throw new UsageError(`${JSON.stringify(ref)} is not an entity ref such as component:default/orders (${(error as Error).message})`);
  }
  return { entity, entityRef: stringifyEntityRef(entity), ...(family && { family }) };
}

/**
 * `component:default/orders`, `default/orders` and `component:orders` are entity refs (kind `component`,
 * namespace `default` when left out). A bare name is a family when one of that name is listed (and no
 * other entity has that name), else the entity `component:default/<name>`; with `--family` it is the entity.
 */
export async function resolveTarget(client: DiachronicClient, name: string, family: string | undefined): Promise<Target> {
  if (name.includes(':') || name.includes('/') || family) return entityTarget(name, family);
  const asEntity = entityTarget(name, undefined);
  const { items } = await client.listDeployments({ q: name, limit: 1000 });
  const owner = items.find(item => item.family === name);
  if (!owner) return asEntity;
  const sameName = items.find(item => item.entityRef.toLocaleLowerCase('en-US') === asEntity.entityRef.toLocaleLowerCase('en-US'));
  if (sameName && sameName.entityRef !== owner.entityRef) {
    throw new UsageError(
      `${name} is the family of ${owner.entityRef} and the entity ${sameName.entityRef}: say which, e.g. ${owner.entityRef} --family ${name}`,
    );
  }
  return entityTarget(owner.entityRef, name);
}

/** The entity's families as the backend answers them, only the named one when the target names one. */
export async function familyViews(client: DiachronicClient, target: Target): Promise<EntityFamiliesResponse> {
  const answer = await client.entityFamilies(target.entity);
  if (!target.family) return answer;
  const families = answer.families.filter(view => view.family === target.family);
  if (families.length === 0) {
    const owned = answer.families.map(view => view.family).join(', ') || 'none';
    throw new RefusedError(`${answer.entityRef} does not own the family ${target.family} (it owns ${owned})`);
  }
  return { ...answer, families };
}

/** The one family a command acts on: the named one, or the entity's only one; with its view when it had to be read. */
export async function oneFamily(client: DiachronicClient, target: Target): Promise<{ family: string; view?: FamilyView }> {
  if (target.family) return { family: target.family };
  const { families } = await familyViews(client, target);
  if (families.length === 1) return { family: families[0].family, view: families[0] };
  if (families.length === 0) throw new RefusedError(`${target.entityRef} owns no Diachronic family (annotation ${DIACHRONIC_WORKFLOWS_ANNOTATION})`);
  throw new UsageError(`${target.entityRef} owns several families (${families.map(view => view.family).join(', ')}): say which with --family`);
}
