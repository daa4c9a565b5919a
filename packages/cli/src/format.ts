/** What the CLI prints for people; scripts take `--json`, the backend's answers as they are. */
import type { DeploymentState, FamilyState, Freeze } from '@diachronic/contract';
import type {
  ControlAction,
  DeploymentListResponse,
  EntityFamiliesResponse,
  FamilyView,
  StartDeploymentResponse,
} from '@diachronic/backstage-plugin-diachronic-common';

const BAR_CELLS = 20;

/** `[██████░░░░░░░░░░░░░░]  30%`: the live percentage. */
export function progressBar(percent: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * BAR_CELLS);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}] ${String(percent).padStart(3)}%`;
}

function freezeText(freeze: Freeze): string {
  const scope = freeze.scope === 'global' ? 'every family frozen' : 'frozen';
  return `${scope} by ${freeze.who}: ${freeze.why}${freeze.until ? ` (until ${freeze.until})` : ''}`;
}

/** One line: family, version, phase, the live percentage as a bar, step and migration counts, what holds it. */
export function deploymentLine(state: DeploymentState): string {
  const { request, phase, livePercent, step, migration } = state;
  const parts = [`${request.family} ${request.versionId}`, phase, progressBar(livePercent)];
  if (step && step.count > 0) parts.push(`step ${step.index}/${step.count}${step.paused ? ' (paused)' : ''}`);
  if (migration) {
    parts.push(`migration ${migration.stage}${migration.held ? ' (held)' : ''}: ${migration.signaled} told, ${migration.remaining} left on the old queue`);
  }
  if (state.frozen) parts.push(freezeText(state.frozen));
  if (state.waitingForWindow) parts.push(`outside its deploy windows${state.waitingForWindow.opensAt ? ` until ${state.waitingForWindow.opensAt}` : ''}`);
  if (state.reason) parts.push(state.reason);
  return parts.join(' · ');
}

/** One line for a family with no deployment running: what waits, and how the last one ended. */
export function idleLine(view: FamilyView): string {
  const last = view.history[0];
  const parts = [view.family, 'no deployment running'];
  if (view.queue.length > 0) parts.push(`${view.queue.length} waiting`);
  if (view.freeze) parts.push(freezeText(view.freeze));
  if (last) parts.push(`last: ${last.versionId} ${last.phase ?? last.status}${last.livePercent !== undefined ? ` at ${last.livePercent}%` : ''}`);
  return parts.join(' · ');
}

/** Watch: one line per family. */
export function familyLines(views: FamilyView[]): string[] {
  return views.map(view => (view.deployment ? deploymentLine(view.deployment) : idleLine(view)));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
  return rows.map(row => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

export function formatList(list: DeploymentListResponse): string {
  if (list.items.length === 0) return 'No families match.';
  const rows = [['FAMILY', 'ENTITY', 'OWNER', 'VERSION', 'PHASE', 'LIVE', 'QUEUE']];
  for (const { family, entityRef, owner, latest, queueLength, freeze } of list.items) {
    const phase = latest ? latest.phase ?? latest.status : 'never deployed';
    rows.push([
      family,
      entityRef,
      owner ?? '-',
      latest?.versionId ?? '-',
      freeze ? `${phase} (frozen)` : phase,
      latest?.livePercent !== undefined ? `${latest.livePercent}%` : '-',
      String(queueLength),
    ]);
  }
  const more = list.nextCursor ? `\n${list.items.length} of ${list.totalCount}; the next page: --cursor ${list.nextCursor}` : '';
  return `${table(rows)}${more}`;
}

/** A deployment: its line, where it comes from, who asked, why it ended, its latest events. */
export function formatDeployment(state: DeploymentState): string {
  const { request } = state;
  const lines = [deploymentLine(state)];
  if (state.previous) lines.push(`  from ${state.previous.versionId}`);
  lines.push(`  requested by ${request.requestedBy.who}${request.requestedBy.why ? `: ${request.requestedBy.why}` : ''}`);
  if (state.step?.eta && !state.step.paused) lines.push(`  100% expected at ${state.step.eta}`);
  for (const stuck of state.stuck ?? []) lines.push(`  stuck: ${stuck.workflowId} (${stuck.workflowType}) fails its workflow task since ${stuck.failingSince}`);
  const events = state.events.slice(-5);
  if (events.length > 0) lines.push('  latest events:');
  for (const event of events) {
    lines.push(`    ${event.at}  ${event.action} by ${event.who}${event.detail ? ` · ${event.detail}` : ''}${event.why ? ` · why: ${event.why}` : ''}`);
  }
  return lines.join('\n');
}

function formatFamily(view: FamilyView): string {
  const lines = [`Family ${view.family}`];
  if (view.deployment) {
    lines.push(...formatDeployment(view.deployment).split('\n').map(line => `  ${line}`));
    if (view.freeze && !view.deployment.frozen) lines.push(`  ${freezeText(view.freeze)}`);
  } else {
    lines.push(`  ${idleLine(view).slice(view.family.length + ' · '.length)}`);
  }
  for (const [i, queued] of view.queue.entries()) {
    lines.push(`  waiting ${i + 1}: ${queued.versionId} (requested by ${queued.requestedBy.who} at ${queued.requestedAt})`);
  }
  for (const problem of view.problems ?? []) lines.push(`  problem: ${problem}`);
  return lines.join('\n');
}

export function formatStatus(answer: EntityFamiliesResponse): string {
  if (answer.families.length === 0) return `${answer.entityRef} owns no Diachronic family.`;
  return answer.families.map(formatFamily).join('\n\n');
}

export function formatStart(started: StartDeploymentResponse): string {
  if (started.outcome === 'started') return `started ${started.workflowId}`;
  if (started.outcome === 'queued') return `queued at position ${started.position}: ${started.workflowId}${started.reason ? ` (${started.reason})` : ''}`;
  return `already requested: ${started.message}`;
}

const DONE: Record<ControlAction, string> = {
  promote: 'promoted',
  override: 'overridden',
  pause: 'paused',
  resume: 'resumed',
  abort: 'aborted',
  cancel: 'cancelled',
};

export function formatControl(action: ControlAction, state: DeploymentState): string {
  return `${DONE[action]} ${state.request.family} ${state.request.versionId}\n${formatDeployment(state)}`;
}

export function formatFreeze(families: FamilyState[]): string {
  return families.map(state => `${state.family}: ${state.freeze ? freezeText(state.freeze) : 'not frozen'}`).join('\n');
}
