/** What the CLI prints for people (scripts take `--json`). */
import type { DeploymentListResponse, DeploymentState, FamilyView } from '@diachronic/backstage-plugin-diachronic-common';

const BAR_WIDTH = 20;

/** `[██████░░░░░░░░░░░░░░]  30%` */
export function progressBar(percent: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}%`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
  return rows.map(row => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

export function formatList(list: DeploymentListResponse): string {
  if (list.items.length === 0) return 'No families match.';
  const rows = [['FAMILY', 'ENTITY', 'OWNER', 'VERSION', 'PHASE', 'LIVE', 'QUEUE']];
  for (const item of list.items) {
    const latest = item.latest;
    rows.push([
      item.family,
      item.entityRef,
      item.owner ?? '-',
      latest?.versionId ?? '-',
      latest?.phase ?? (latest ? latest.status : 'never deployed'),
      latest?.livePercent !== undefined ? `${latest.livePercent}%` : '-',
      String(item.queueLength),
    ]);
  }
  const more = list.nextCursor ? `\n(${list.items.length} of ${list.totalCount}; more with --cursor ${list.nextCursor})` : '';
  return `${table(rows)}${more}`;
}

/** One line: the deployment's phase, split, step and migration. */
export function deploymentLine(state: DeploymentState): string {
  const { request, phase, livePercent, step, migration } = state;
  const parts = [`${request.family} ${request.versionId}`, phase, progressBar(livePercent)];
  if (step && step.count > 0) parts.push(`step ${step.index}/${step.count}${step.paused ? ' (paused)' : ''}`);
  if (migration) parts.push(`migration ${migration.stage}: ${migration.signaled} told, ${migration.remaining} on the old queue`);
  if (state.frozen) parts.push('frozen');
  if (state.waitingForWindow) parts.push('waiting for its deploy window');
  return parts.join(' · ');
}

export function formatDeployment(state: DeploymentState): string {
  const lines = [deploymentLine(state)];
  if (state.previous) lines.push(`from ${state.previous.versionId}`);
  lines.push(`requested by ${state.request.requestedBy.who}${state.request.requestedBy.why ? `: ${state.request.requestedBy.why}` : ''}`);
  if (state.reason) lines.push(`ended: ${state.reason}`);
  const events = state.events.slice(-5);
  if (events.length > 0) {
    lines.push('latest events:');
    for (const event of events) {
      lines.push(`  ${event.at}  ${event.action} by ${event.who}${event.detail ? ` · ${event.detail}` : ''}${event.why ? ` · why: ${event.why}` : ''}`);
    }
  }
  return lines.join('\n');
}

export function formatFamily(view: FamilyView): string {
  const lines = [`Family ${view.family}`];
  if (view.freeze) lines.push(`  frozen by ${view.freeze.who}: ${view.freeze.why}${view.freeze.until ? ` (until ${view.freeze.until})` : ''}`);
  if (view.deployment) {
    lines.push(...formatDeployment(view.deployment).split('\n').map(line => `  ${line}`));
  } else {
    lines.push(`  ${idleLine(view).slice(view.family.length + 3)}`);
  }
  for (const [i, queued] of view.queue.entries()) lines.push(`  waiting ${i + 1}. ${queued.versionId} (requested by ${queued.requestedBy.who})`);
  for (const problem of view.problems ?? []) lines.push(`  problem: ${problem}`);
  return lines.join('\n');
}

/** A family with no deployment running: what waits, and how the last one ended. */
export function idleLine(view: FamilyView): string {
  const last = view.history[0];
  const ended = last ? ` · last: ${last.versionId} ${last.phase ?? last.status}${last.livePercent !== undefined ? ` at ${last.livePercent}%` : ''}` : '';
  return `${view.family} · no deployment running${view.queue.length ? ` · ${view.queue.length} waiting` : ''}${ended}`;
}
