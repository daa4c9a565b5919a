/** What the REST routes and the registered actions accept, checked by the same rules. */
import { z } from 'zod';
import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { publishedPhases, versionIdSchema } from '@diachronic/contract';

/** An empty `?q=` is no filter. */
const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform(text => text || undefined);

export const listQuery = z
  .object({
    phase: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform(value =>
        value === undefined
          ? undefined
          : [value]
              .flat()
              .flatMap(text => text.split(','))
              .map(text => text.trim())
              .filter(Boolean),
      )
      .pipe(z.array(z.enum(publishedPhases)).optional()),
    owner: optionalText,
    q: optionalText,
    limit: z.coerce.number().int('must be from 1 to 1000').min(1, 'must be from 1 to 1000').max(1000, 'must be from 1 to 1000').default(100),
    offset: z.coerce.number().int().min(0).optional(),
    cursor: z.string().min(1).optional(),
  })
  .refine(query => query.offset === undefined || query.cursor === undefined, {
    message: 'give either offset or cursor, not both',
    path: ['cursor'],
  });

/** An entity's path segments, by the catalog's own rules: anything else is a 400 here, never a catalog error. */
export const entityParams = z.object({
  namespace: z
    .string()
    .refine(KubernetesValidatorFunctions.isValidNamespace, 'must be a catalog namespace: lowercase letters, digits and "-", at most 63'),
  kind: z.string().refine(KubernetesValidatorFunctions.isValidKind, 'must be a catalog kind: letters and digits, at most 63'),
  name: z
    .string()
    .refine(KubernetesValidatorFunctions.isValidObjectName, 'must be a catalog entity name: letters, digits, "-", "_", ".", at most 63'),
});
export const deploymentParams = entityParams.extend({ family: z.string().min(1), versionId: versionIdSchema });
