/** The REST API's request bodies, as schemas: the backend parses with them, the types follow from them. */
import { z } from 'zod';
import {
  commitShaSchema,
  familySchema,
  healthGateSchema,
  migrationWavesSchema,
  reasonSchema,
  scheduleSchema,
  upgradeDryRunSchema,
  versionIdSchema,
} from '@diachronic/contract';

/** Bodies of the control actions; `reason` is required where an action cannot go without one. */
export const controlBodySchemas = {
  promote: z.strictObject({ reason: reasonSchema.optional() }),
  pause: z.strictObject({ reason: reasonSchema.optional() }),
  resume: z.strictObject({ reason: reasonSchema.optional() }),
  abort: z.strictObject({ reason: reasonSchema }),
  cancel: z.strictObject({ reason: reasonSchema }),
  /** The live percentage to set now, and why. */
  override: z.strictObject({
    percent: z.number().int('must be a whole percentage').min(0, 'must be at least 0').max(100, 'must be at most 100'),
    reason: reasonSchema,
  }),
};

/** Body of `promote`, `pause`, `resume` (reason optional), `abort` and `cancel` (reason required). */
export type ControlRequest = z.input<typeof controlBodySchemas.promote>;
export type OverrideRequest = z.input<typeof controlBodySchemas.override>;

/** Body of a manual start (`POST /entity/.../deployments`). */
export const startDeploymentBodySchema = z.strictObject({
  family: familySchema,
  /** Short or full git sha, lowercase hex, 7–40 digits. */
  versionId: versionIdSchema,
  sha: commitShaSchema.optional(),
  /** Wait in `dark` until promoted (default false). */
  dark: z.boolean().optional(),
  /** The family's workflows handle the migrate signal (default from the backend's config). */
  migratory: z.boolean().optional(),
  schedule: scheduleSchema.optional(),
  /** Changes fields of the configured health gate for this deployment (`{ "enabled": false }` turns it off). */
  gate: healthGateSchema.optional(),
  /** Changes fields of the configured upgrade dry run, and of the migration's waves, for this deployment. */
  upgradeDryRun: upgradeDryRunSchema.optional(),
  waves: migrationWavesSchema.optional(),
  /** Deploy a version retired before again, with a new seq (otherwise a version deployed before is a duplicate). */
  rollback: z.boolean().optional(),
  /** Recorded with the request, as its why. */
  reason: reasonSchema.optional(),
});
export type StartDeploymentRequest = z.input<typeof startDeploymentBodySchema>;

/** `POST …/freeze`: freeze the entity's families (or one of them), or every family (`POST /freeze`). */
export const freezeBodySchema = z.strictObject({
  /** One of the entity's families; absent: all of them. Not for the freeze of every family. */
  family: familySchema.optional(),
  reason: reasonSchema,
  /** When the freeze ends by itself (ISO time, in the future); absent: until an unfreeze. */
  until: z.iso.datetime({ offset: true, message: 'must be an ISO time, e.g. 2026-12-24T18:00:00Z' }).optional(),
});
export type FreezeRequest = z.input<typeof freezeBodySchema>;

/** `DELETE …/freeze`: end the freeze (of one family, the entity's families, or every family). */
export const unfreezeBodySchema = z.strictObject({
  family: familySchema.optional(),
  reason: reasonSchema.optional(),
});
export type UnfreezeRequest = z.input<typeof unfreezeBodySchema>;
