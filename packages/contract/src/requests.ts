/**
 * A deployment request, defined once as a schema: the family workflow's validator, the backend and the
 * REST API all check requests with it, and the types are inferred from it.
 */
import { z } from 'zod';
import { FAMILY_PATTERN, VERSION_ID_PATTERN } from './naming';
import { healthGateSchema } from './health';
import { migrationWavesSchema, upgradeDryRunSchema } from './migrationPolicy';
import { scheduleSchema } from './schedule';
import { deployWindowsSchema } from './windows';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const MAX_REASON_LENGTH = 2000;

/** What the deployment workflows use for an option a request leaves out. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_DRAIN_GUARD_MS = 30_000;
export const DEFAULT_CLEANUP_POLL_MS = 5 * 60_000;
export const DEFAULT_STRAGGLER_AFTER_MS = 10 * 60_000;

const milliseconds = (min: number, max: number, maxInWords: string) =>
  z
    .number()
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms (${maxInWords})`);

export const familySchema = z
  .string()
  .regex(FAMILY_PATTERN, "must be a family name: lowercase letters, digits, '.', '-', '_' (at most 63)");
export const versionIdSchema = z.string().regex(VERSION_ID_PATTERN, 'must be a git sha: 7–40 lowercase hex digits');
export const commitShaSchema = z
  .string()
  .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'must be a full lowercase commit sha (40 or 64 hex digits)');
/** Why someone acted, as they typed it. */
export const reasonSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`);

export const deploymentOptionsSchema = z.strictObject({
  /** Wait in `dark` (live 0%, isTest traffic only) until promoted. */
  dark: z.boolean(),
  /** The family's workflows implement the migrate signal. */
  migratory: z.boolean(),
  /** Rollout steps; defaults to 10% every 60 s. The last step is always exactly 100. */
  schedule: scheduleSchema.optional(),
  /** How often the migration sweeps the old task queue. */
  sweepIntervalMs: milliseconds(100, DAY_MS, 'a day').optional(),
  /** The wait between the two "nothing runs on the old queue" checks (visibility lag + flag refresh). */
  drainGuardMs: milliseconds(0, HOUR_MS, 'an hour').optional(),
  /** How often a nonmigratory cleanup polls the old queue. */
  cleanupPollMs: milliseconds(100, DAY_MS, 'a day').optional(),
  /** A workflow told to migrate this long ago that still runs on the old queue is a straggler. */
  stragglerAfterMs: milliseconds(1000, 7 * DAY_MS, 'a week').optional(),
  /** Watches the new version's health while rolling out and migrating; absent or disabled: no gate. */
  gate: healthGateSchema.optional(),
  /** Before the first migrate signal, the new version's worker upgrades a sample of old states; absent: no dry run. */
  upgradeDryRun: upgradeDryRunSchema.optional(),
  /** Old workflows move in waves (a canary, a bake, the gate, growing waves); absent: as routing allows. */
  waves: migrationWavesSchema.optional(),
  /**
   * The family's queue: `all` (default) runs every request in turn; `latest`: this request supersedes the
   * requests waiting before it (the running deployment is not touched).
   */
  queue: z.enum(['all', 'latest']).optional(),
  /**
   * When the deployment may take steps (rollout steps, migration waves): weekly periods in a time zone,
   * e.g. `Mon-Thu 09:00-16:00 Europe/Berlin`; outside them it holds where it is. Absent or empty: any time.
   */
  windows: deployWindowsSchema.optional(),
});
export type DeploymentOptions = z.infer<typeof deploymentOptionsSchema>;

export const actorSchema = z.strictObject({
  /** Backstage user entity ref, `github:<login>`, or `diachronic` for the system itself. */
  who: z.string().min(1, 'must name who asked').max(256, 'must be at most 256 characters'),
  why: z.string().max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const deploymentSourceSchema = z.discriminatedUnion('kind', [
  /**
   * A GitHub `deployment_status` delivery. `repositoryUrl` and `deploymentId` name the GitHub deployment
   * that the backend reports the deployment's progress on (absent from requests older than these fields).
   * Optional, so older histories replay; a worker must be upgraded before a backend that sends them.
   */
  z.strictObject({
    kind: z.literal('github'),
    deliveryId: z.string().min(1).max(200),
    repositoryUrl: z
      .url({ protocol: /^https?$/, error: 'must be the repository\'s http(s) URL' })
      .max(500, 'must be at most 500 characters')
      .optional(),
    deploymentId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  z.strictObject({ kind: z.literal('manual') }),
]);

export const deploymentRequestSchema = z.strictObject({
  family: familySchema,
  versionId: versionIdSchema,
  /** Full commit sha, if known. */
  sha: commitShaSchema.optional(),
  environment: z.string().min(1).max(255, 'must be at most 255 characters').optional(),
  options: deploymentOptionsSchema,
  requestedBy: actorSchema,
  /** Where the request came from: `github` (webhook delivery id) or `manual`. */
  source: deploymentSourceSchema,
  /**
   * Deploy a version retired before again, as a new version (a new seq, a new flag, the same task queue).
   * Without it, a request for a version deployed before is answered as a duplicate.
   */
  rollback: z.boolean().optional(),
});
export type DeploymentRequest = z.infer<typeof deploymentRequestSchema>;

/** The issues of a failed parse as one line, each naming its field: `options.schedule.0.pauseMs: must be …`. */
export function describeIssues(error: z.ZodError, where?: string): string {
  return error.issues
    .map(issue => {
      const field = [where, ...issue.path.map(String)].filter(Boolean).join('.');
      // Zod says "Invalid input: expected string, received undefined" for a field left out.
      const message = issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message;
      return field ? `${field}: ${message}` : message;
    })
    .join('; ');
}

/** What is wrong with a request, naming the field, or undefined when it is valid. */
export function deploymentRequestProblem(request: unknown): string | undefined {
  const parsed = deploymentRequestSchema.safeParse(request);
  return parsed.success ? undefined : describeIssues(parsed.error);
}
