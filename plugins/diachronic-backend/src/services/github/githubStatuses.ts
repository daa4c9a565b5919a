/**
 * Which status a GitHub deployment gets for a Diachronic deployment's state: pure. One status per phase
 * (GitHub shows each as a line of the deployment's history), the reason in the description of an end.
 */
import type { DeploymentRequest, DeploymentState } from '@diachronic/contract';

/** The states of GitHub's `POST /repos/{owner}/{repo}/deployments/{id}/statuses` that Diachronic uses. */
export type GithubStatusState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface GithubStatus {
  state: GithubStatusState;
  description: string;
}

/** A deployment on GitHub: where its statuses go. */
export interface GithubDeploymentRef {
  repositoryUrl: string;
  deploymentId: number;
}

/** GitHub keeps at most this many characters of a status description. */
export const DESCRIPTION_MAX_LENGTH = 140;

/** The GitHub deployment a request came from, when it came from one that can be reported on. */
export function githubDeploymentOf(request: DeploymentRequest): GithubDeploymentRef | undefined {
  const { source } = request;
  if (source.kind !== 'github' || source.repositoryUrl === undefined || source.deploymentId === undefined) return undefined;
  return { repositoryUrl: source.repositoryUrl, deploymentId: source.deploymentId };
}

/** Cut to GitHub's limit, on a word where one is near, with an ellipsis. */
export function fitDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= DESCRIPTION_MAX_LENGTH) return oneLine;
  const cut = oneLine.slice(0, DESCRIPTION_MAX_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > DESCRIPTION_MAX_LENGTH - 30 ? cut.slice(0, space) : cut}…`;
}

function lastOverride(state: DeploymentState) {
  return state.events.filter(event => event.action === 'override').at(-1);
}

/** The status `state` calls for. */
export function statusFor(state: DeploymentState): GithubStatus {
  const versionId = state.request.versionId;
  const status = (githubState: GithubStatusState, description: string): GithubStatus => ({
    state: githubState,
    description: fitDescription(description),
  });
  switch (state.phase) {
    case 'queued':
      return queuedStatus(versionId);
    case 'preparing':
      return status('in_progress', `preparing ${versionId}: its flag, its worker`);
    case 'dark':
      return status('in_progress', `${versionId} is dark: test traffic only, waiting for promote`);
    case 'rolling_out':
      return status('in_progress', `rolling out ${versionId} to new workflows step by step`);
    case 'migrating':
      return status('in_progress', `${versionId} serves all new workflows; running workflows are migrating to it`);
    case 'cleaning_up':
      return status('in_progress', `${versionId} serves all workflows; the old version is being retired`);
    case 'completed':
      return status('success', `completed: ${versionId} serves ${state.livePercent}% of new workflows`);
    case 'overridden': {
      const override = lastOverride(state);
      const by = override ? ` by ${override.who}` : '';
      const why = override?.why ? `: ${override.why}` : '';
      return state.livePercent > 0
        ? status('success', `overridden${by}, ${versionId} left at ${state.livePercent}%${why}`)
        : status('failure', `overridden${by}, ${versionId} left at 0%${why}`);
    }
    case 'aborted':
      return status('failure', `aborted: ${state.reason ?? 'no reason recorded'}`);
    case 'failed':
      return status('error', `failed: ${state.reason ?? 'no reason recorded'}`);
    case 'cancelled':
    case 'superseded':
      return status('failure', `${state.phase} before it started${state.reason ? `: ${state.reason}` : ''}`);
    default:
      return state.phase satisfies never;
  }
}

export function queuedStatus(versionId: string): GithubStatus {
  return { state: 'queued', description: fitDescription(`${versionId} waits in the family's queue`) };
}

/** What the version that a completed deployment replaced gets: it no longer serves. */
export function retiredStatus(replacedBy: string): GithubStatus {
  return { state: 'inactive', description: fitDescription(`retired: ${replacedBy} replaced it`) };
}
