/**
 * Reads Diachronic's workflows through Temporal visibility: lists, never one call per family. Every
 * value put into a query is a family name or version id checked against the contract's patterns.
 */
import { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  DeploymentPhase,
  DrainCounts,
  FAMILY_PATTERN,
  Freeze,
  GateFailureMemo,
  VERSION_ID_PATTERN,
  publishedPhases,
  versionTaskQueue,
  workflowIds,
  workflowTypes,
} from '@diachronic/contract';
import { deploymentMemo, familyMemo, searchAttributes } from '@diachronic/contract/temporal';
import type { DeploymentSummary, VersionHealth, WorkflowRunStatus } from '@diachronic/backstage-plugin-diachronic-common';

/** The server's largest page (Temporal's default `frontend.visibilityMaxPageSize`). */
export const MAX_PAGE_SIZE = 1000;
/** Values per `IN (…)` query. */
const VALUES_PER_QUERY = 100;

const phases = new Set<string>(publishedPhases);

export function isValidFamily(family: string): boolean {
  return FAMILY_PATTERN.test(family);
}

/** The value, when it matches the contract's pattern for what goes into a query. */
function checked(value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new Error(`refusing to put ${JSON.stringify(value)} into a visibility query`);
  return value;
}

function quoted(value: string, pattern: RegExp): string {
  return `"${checked(value, pattern)}"`;
}

function runStatus(info: WorkflowExecutionInfo): WorkflowRunStatus {
  const name = info.status.name.toLowerCase();
  return name === 'unspecified' ? 'unknown' : (name as WorkflowRunStatus);
}

/** A deployment workflow's row with its family; undefined for a row without Diachronic attributes. */
export function deploymentRow(info: WorkflowExecutionInfo): { family: string; summary: DeploymentSummary } | undefined {
  const attributes = info.typedSearchAttributes;
  const family = attributes.get(searchAttributes.family);
  const versionId = attributes.get(searchAttributes.versionId);
  if (!family || !versionId) return undefined;
  const phase = attributes.get(searchAttributes.phase);
  const previousVersionId = attributes.get(searchAttributes.previousVersionId);
  const livePercent = attributes.get(searchAttributes.livePercent);
  const summary: DeploymentSummary = {
    workflowId: info.workflowId,
    runId: info.runId,
    versionId,
    ...(previousVersionId && { previousVersionId }),
    ...(phase && phases.has(phase) && { phase: phase as DeploymentPhase }),
    ...(livePercent !== undefined && { livePercent: Number(livePercent) }),
    status: runStatus(info),
    startedAt: info.startTime.toISOString(),
    ...(info.closeTime && { endedAt: info.closeTime.toISOString() }),
  };
  const gateFailure = gateFailureOf(info.memo?.[deploymentMemo.gateFailure]);
  if (gateFailure) summary.gateFailure = gateFailure;
  return { family, summary };
}

function gateFailureOf(value: unknown): GateFailureMemo | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { at, reason } = value as Record<string, unknown>;
  return typeof at === 'string' && typeof reason === 'string' ? { at, reason } : undefined;
}

/** A family workflow's memo of its freeze, when it is one and still in force. */
function freezeOf(value: unknown, nowMs: number): Freeze | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { scope, who, why, at, until } = value as Record<string, unknown>;
  if ((scope !== 'family' && scope !== 'global') || typeof who !== 'string' || typeof why !== 'string' || typeof at !== 'string') return undefined;
  if (until !== undefined && (typeof until !== 'string' || Date.parse(until) <= nowMs)) return undefined;
  return { scope, who, why, at, ...(until !== undefined && { until }) };
}

async function collect<T>(
  client: Client,
  query: string,
  map: (info: WorkflowExecutionInfo) => T | undefined,
  { limit = Infinity }: { limit?: number } = {},
): Promise<T[]> {
  const rows: T[] = [];
  let seen = 0;
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, MAX_PAGE_SIZE) })) {
    const row = map(info);
    if (row !== undefined) rows.push(row);
    // Stopping here keeps the iterator from asking for the next page.
    if (++seen >= limit) break;
  }
  return rows;
}

export interface FamilyWorkflowRow {
  family: string;
  queueLength: number;
  /** The version its latest deployment is for (the running one, else the last one). */
  versionId?: string;
  /** The freeze in force, from the workflow's memo. */
  freeze?: Freeze;
}

function familyWorkflowRow(info: WorkflowExecutionInfo): FamilyWorkflowRow | undefined {
  const family = info.typedSearchAttributes.get(searchAttributes.family);
  if (!family) return undefined;
  const versionId = info.typedSearchAttributes.get(searchAttributes.versionId);
  const freeze = freezeOf(info.memo?.[familyMemo.freeze], Date.now());
  return {
    family,
    queueLength: Number(info.typedSearchAttributes.get(searchAttributes.queueLength) ?? 0),
    ...(versionId && { versionId }),
    ...(freeze && { freeze }),
  };
}

const runningFamilies = `WorkflowType = "${workflowTypes.family}" AND ExecutionStatus = "Running"`;

/** Family workflows with deployments waiting: only families with a running deployment have any. */
export function listQueuedFamilies(client: Client): Promise<FamilyWorkflowRow[]> {
  return collect(client, `${runningFamilies} AND ${searchAttributes.queueLength.name} > 0`, familyWorkflowRow);
}

/** Runs `IN (…)` queries over `values`, a bounded number at a time. */
async function inChunks<T>(values: string[], query: (list: string) => Promise<T[]>): Promise<T[]> {
  const chunks = Array.from({ length: Math.ceil(values.length / VALUES_PER_QUERY) }, (_, i) =>
    values.slice(i * VALUES_PER_QUERY, (i + 1) * VALUES_PER_QUERY),
  );
  return (await Promise.all(chunks.map(chunk => query(chunk.map(value => `"${value}"`).join(', '))))).flat();
}

/** The family workflows of these families. */
export function listFamilyWorkflowsOf(client: Client, families: string[]): Promise<FamilyWorkflowRow[]> {
  return inChunks(families.filter(isValidFamily), list =>
    collect(client, `${runningFamilies} AND ${searchAttributes.family.name} IN (${list})`, familyWorkflowRow),
  );
}

/** Families whose latest deployment is for a version id starting with `prefix` (lowercase hex). */
export async function listFamiliesWithVersionPrefix(client: Client, prefix: string): Promise<string[]> {
  if (!/^[0-9a-f]{1,40}$/.test(prefix)) return [];
  const rows = await collect(
    client,
    `${runningFamilies} AND ${searchAttributes.versionId.name} STARTS_WITH "${prefix}"`,
    familyWorkflowRow,
  );
  return rows.map(row => row.family);
}

/**
 * Running deployments in these phases. A family runs one deployment at a time and a running one is its
 * latest, so each row is its family's latest deployment.
 */
export function listRunningDeploymentsIn(client: Client, phasesWanted: readonly DeploymentPhase[]) {
  const list = phasesWanted.filter(phase => phases.has(phase)).map(phase => `"${phase}"`);
  if (list.length === 0) return Promise.resolve([]);
  return collect(
    client,
    `WorkflowType = "${workflowTypes.deployment}" AND ExecutionStatus = "Running" AND ${searchAttributes.phase.name} IN (${list.join(', ')})`,
    deploymentRow,
  );
}

/**
 * The most recent deployments of every family, one page: visibility lists running workflows first,
 * then closed ones by close time, newest first. A family runs one deployment at a time, so its first
 * row here is its latest deployment. `complete` when the page holds every deployment there is.
 */
export async function listRecentDeployments(client: Client, limit = MAX_PAGE_SIZE) {
  const rows = await collect(client, `WorkflowType = "${workflowTypes.deployment}"`, deploymentRow, { limit });
  return { rows, complete: rows.length < limit };
}

/** Deployments that closed after `since` (a change feed that did not follow them learns of their end). */
export function listDeploymentsClosedSince(client: Client, since: Date) {
  return collect(client, `WorkflowType = "${workflowTypes.deployment}" AND CloseTime > "${since.toISOString()}"`, deploymentRow, {
    limit: MAX_PAGE_SIZE,
  });
}

/** The deployments of these (family, version) pairs; the latest run of each. */
export function listDeploymentsOf(client: Client, versions: Array<{ family: string; versionId: string }>) {
  const ids = versions
    .filter(({ family, versionId }) => isValidFamily(family) && VERSION_ID_PATTERN.test(versionId))
    .map(({ family, versionId }) => workflowIds.deployment(family, versionId));
  return inChunks(ids, list =>
    collect(client, `WorkflowType = "${workflowTypes.deployment}" AND WorkflowId IN (${list})`, deploymentRow),
  );
}

/** A family's recent deployments, newest first (running first, then by close time). */
export function listFamilyDeployments(client: Client, family: string, limit: number) {
  return collect(
    client,
    `WorkflowType = "${workflowTypes.deployment}" AND ${searchAttributes.family.name} = ${quoted(family, FAMILY_PATTERN)}`,
    deploymentRow,
    { limit },
  );
}

/** What a drain forecast needs of a version's queue: three counts (running, closed and started since `since`). */
export async function countDrain(client: Client, family: string, versionId: string, since: Date): Promise<DrainCounts> {
  const queue = `TaskQueue = "${versionTaskQueue(checked(family, FAMILY_PATTERN), checked(versionId, VERSION_ID_PATTERN))}"`;
  const after = `"${since.toISOString()}"`;
  const [running, left, arrived] = await Promise.all(
    [`${queue} AND ExecutionStatus = "Running"`, `${queue} AND CloseTime > ${after}`, `${queue} AND StartTime > ${after}`].map(
      async query => (await client.workflow.count(query)).count,
    ),
  );
  return { running, left, arrived };
}

const TASK_QUEUE_TYPE_WORKFLOW = 1;

/**
 * A version's worker as Temporal sees it: the workers polling its task queue for workflow tasks (and the
 * latest poll), the tasks waiting there, and the workflows running on it (`running`, when the caller counted
 * them already: an old version's drain counts them).
 */
export async function versionHealth(
  client: Client,
  family: string,
  versionId: string,
  counted?: Promise<number>,
): Promise<VersionHealth> {
  const taskQueue = versionTaskQueue(checked(family, FAMILY_PATTERN), checked(versionId, VERSION_ID_PATTERN));
  const [description, running] = await Promise.all([
    client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    }),
    counted ?? client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`).then(({ count }) => count),
  ]);
  const pollers = description.pollers ?? [];
  const lastPoll = pollers
    .map(poller => poller.lastAccessTime)
    .filter(at => at?.seconds !== undefined && at.seconds !== null)
    .map(at => Number(at!.seconds) * 1000 + Math.floor((at!.nanos ?? 0) / 1e6))
    .sort((a, b) => b - a)[0];
  const backlog = description.stats?.approximateBacklogCount;
  return {
    pollers: pollers.length,
    ...(lastPoll !== undefined && { lastPollAt: new Date(lastPoll).toISOString() }),
    ...(backlog !== undefined && backlog !== null && { backlog: Number(backlog) }),
    running,
  };
}
