/** What a command names: a catalog entity, or a family found through the catalog. */
import { EntityRouteRef } from '@diachronic/backstage-plugin-diachronic-common';
import { DiachronicClient, RefusedError } from './client';

export interface Target {
  entity: EntityRouteRef;
  entityRef: string;
  /** One family: named, or the entity's only one. */
  family?: string;
  families: string[];
}

const ENTITY_REF = /^(?:([A-Za-z0-9][A-Za-z0-9-]*):)?(?:([a-z0-9-]+)\/)?([A-Za-z0-9._-]+)$/;

/**
 * `component:default/orders`, `default/orders` and `component:orders` are entity refs; a bare word is a
 * family name, looked up in the catalog-wide list.
 */
export async function resolveTarget(client: DiachronicClient, name: string, family?: string): Promise<Target> {
  const match = ENTITY_REF.exec(name);
  if (match && (match[1] || match[2])) {
    const entity = { kind: (match[1] ?? 'component').toLocaleLowerCase('en-US'), namespace: match[2] ?? 'default', name: match[3] };
    const entityRef = `${entity.kind}:${entity.namespace}/${entity.name}`;
    const { families } = await client.entityFamilies(entity);
    const names = families.map(view => view.family);
    if (family && !names.includes(family)) throw new RefusedError(404, `${entityRef} does not own the family ${family} (it owns ${names.join(', ') || 'none'})`);
    return { entity, entityRef, families: names, family: family ?? (names.length === 1 ? names[0] : undefined) };
  }
  const { items } = await client.listDeployments({ q: name, limit: 1000 });
  const found = items.find(item => item.family === name);
  if (!found) throw new RefusedError(404, `no family ${name} that you may read (give an entity ref such as component:default/orders)`);
  const [kind, rest] = found.entityRef.split(':');
  const [namespace, entityName] = rest.split('/');
  return { entity: { kind, namespace, name: entityName }, entityRef: found.entityRef, family: name, families: [name] };
}
