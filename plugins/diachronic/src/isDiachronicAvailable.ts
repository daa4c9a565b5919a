import type { Entity } from '@backstage/catalog-model';
import { familiesOf } from '@diachronic/backstage-plugin-diachronic-common';

/** Whether the entity owns workflow families (annotation `diachronic.dev/workflows`): show the Rollout tab. */
export function isDiachronicAvailable(entity: Entity): boolean {
  return familiesOf(entity).length > 0;
}
