/**
 * The request bodies the OpenAPI description names, and the shared zod schemas they are: the spec's
 * `components.schemas` for them are `z.toJSONSchema` of these (written by scripts/openapi-request-bodies.ts,
 * kept equal by openapi.test.ts), so the description cannot drift from what the router checks.
 */
import { z } from 'zod';
import {
  controlBodySchemas,
  freezeBodySchema,
  startDeploymentBodySchema,
  unfreezeBodySchema,
} from '@diachronic/backstage-plugin-diachronic-common';

export const requestBodySchemas = {
  /** promote, pause, resume */
  ControlRequest: controlBodySchemas.promote,
  /** abort, cancel */
  ReasonRequiredRequest: controlBodySchemas.abort,
  OverrideRequest: controlBodySchemas.override,
  StartDeploymentRequest: startDeploymentBodySchema,
  FreezeRequest: freezeBodySchema,
  UnfreezeRequest: unfreezeBodySchema,
  GlobalFreezeRequest: freezeBodySchema.omit({ family: true }),
  GlobalUnfreezeRequest: unfreezeBodySchema.omit({ family: true }),
} as const;

/**
 * A body's JSON Schema, as it stands in the description. Without `format: date-time`: the generators type
 * such a field as a `Date`, where JSON carries a string (its pattern stays).
 */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'date-time') delete jsonSchema.format;
    },
  });
  return rest;
}
