/**
 * Names of families, versions and their task queues, and how a version is represented as an Unleash flag.
 * Shared by the writer of the flags (the Diachronic worker) and their readers (routing, the backend).
 */

/** Family names: what catalog annotations and task queues carry. Dots and dashes are allowed. */
export const FAMILY_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;
/** A version id is a (short) git sha. */
export const VERSION_ID_PATTERN = /^[0-9a-f]{7,40}$/;

export const DARK_STRATEGY_TITLE = 'diachronic-dark';
export const LIVE_STRATEGY_TITLE = 'diachronic-live';

export function assertFamily(family: string): void {
  if (!FAMILY_PATTERN.test(family)) {
    throw new Error(`invalid family name ${JSON.stringify(family)}: expected ${FAMILY_PATTERN}`);
  }
}

export function assertVersionId(versionId: string): void {
  if (!VERSION_ID_PATTERN.test(versionId)) {
    throw new Error(`invalid version id ${JSON.stringify(versionId)}: expected 7–40 lowercase hex digits`);
  }
}

/** The immutable task queue of one version. `@` never occurs in a family name, so it is unambiguous. */
export function versionTaskQueue(family: string, versionId: string): string {
  return `${family}@${versionId}`;
}

/**
 * Whether `taskQueue` is one of the family's version queues, `<family>@<versionId>`: the family is given and
 * cannot hold `@`, so nothing is split.
 */
export function isFamilyTaskQueue(family: string, taskQueue: string): boolean {
  const prefix = `${family}@`;
  return taskQueue.startsWith(prefix) && VERSION_ID_PATTERN.test(taskQueue.slice(prefix.length));
}

/** Human-readable and sortable by seq within a family; never parsed back (see parseFlagMetadata). */
export function versionFlagName(family: string, seq: number, versionId: string): string {
  return `diachronic.${family}.v${String(seq).padStart(6, '0')}.${versionId}`;
}

/** The live strategy's groupId: the same for every version of a family, so all bucket ids alike. */
export function familyGroupId(family: string): string {
  return `diachronic.${family}`;
}

export interface AbortMark {
  who: string;
  why?: string;
  /** ISO timestamp. */
  at: string;
}

/** What a version flag's description holds, as JSON. */
export interface VersionFlagMetadata {
  diachronic: 1;
  family: string;
  seq: number;
  versionId: string;
  taskQueue: string;
  sha?: string;
  aborted?: AbortMark;
}

export function encodeFlagMetadata(meta: VersionFlagMetadata): string {
  return JSON.stringify(meta);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAbortMark(value: unknown): AbortMark | undefined | null {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.who !== 'string' || typeof value.at !== 'string') return null;
  if (value.why !== undefined && typeof value.why !== 'string') return null;
  return { who: value.who, at: value.at, ...(value.why !== undefined && { why: value.why }) };
}

/** The metadata of a Diachronic version flag; undefined for any other flag or a malformed description. */
export function parseFlagMetadata(description: string | null | undefined): VersionFlagMetadata | undefined {
  if (!description) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(description);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.diachronic !== 1) return undefined;
  const { family, seq, versionId, taskQueue, sha } = value;
  if (typeof family !== 'string' || !FAMILY_PATTERN.test(family)) return undefined;
  if (typeof versionId !== 'string' || !VERSION_ID_PATTERN.test(versionId)) return undefined;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return undefined;
  if (taskQueue !== versionTaskQueue(family, versionId)) return undefined;
  if (sha !== undefined && typeof sha !== 'string') return undefined;
  const aborted = parseAbortMark(value.aborted);
  if (aborted === null) return undefined;
  return {
    diachronic: 1,
    family,
    seq,
    versionId,
    taskQueue,
    ...(sha !== undefined && { sha }),
    ...(aborted && { aborted }),
  };
}

/**
 * The metadata of a flag that is a Diachronic version flag under its own name. Unleash can clone a flag,
 * description included; the name check keeps a clone from posing as the version it was cloned from.
 */
export function versionFlagMetadata(flag: {
  name: string;
  description?: string | null;
}): VersionFlagMetadata | undefined {
  const meta = parseFlagMetadata(flag.description);
  return meta && versionFlagName(meta.family, meta.seq, meta.versionId) === flag.name ? meta : undefined;
}

/** The labels by which a version's worker Deployments are found in Kubernetes, whatever they are named. */
export const WORKFLOW_LABEL = 'diachronic.dev/workflow';
export const VERSION_LABEL = 'diachronic.dev/version';

/** The label selector of one version's worker Deployments, as `kubectl get deployments -l` takes it. */
export function versionWorkerSelector(family: string, versionId: string): string {
  return `${WORKFLOW_LABEL}=${family},${VERSION_LABEL}=${versionId}`;
}
