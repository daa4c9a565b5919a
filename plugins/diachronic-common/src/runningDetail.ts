import { isTerminalPhase, type DeploymentState } from '@diachronic/contract';
import type { DeploymentHold, RunningDeploymentDetail } from './types';

/**
 * What holds a deployment where it is: an operator's or the gate's pause (its rollout's step, or its
 * migration's sweeps), a closed deploy window, a freeze, a health gate whose latest evaluation failed.
 * None once it has ended.
 */
export function deploymentHolds(deployment: DeploymentState): DeploymentHold[] {
  if (isTerminalPhase(deployment.phase)) return [];
  const holds: DeploymentHold[] = [];
  const rolloutPaused = deployment.phase === 'rolling_out' && deployment.step?.paused === true;
  if (rolloutPaused || deployment.migration?.held) holds.push('paused');
  if (deployment.waitingForWindow) holds.push('waiting for a window');
  if (deployment.frozen) holds.push('frozen');
  if (deployment.gate?.evaluations.at(-1)?.passed === false) holds.push('gate failing');
  return holds;
}

/** A running deployment's detail for the Deployments page. */
export function runningDetailOf(deployment: DeploymentState): RunningDeploymentDetail {
  const { step } = deployment;
  const holds = deploymentHolds(deployment);
  const stepsDue = deployment.phase === 'rolling_out' && holds.length === 0 && step?.eta !== undefined && step.percent === deployment.livePercent;
  return {
    requestedBy: deployment.request.requestedBy.who,
    holds,
    ...(step && step.count > 0 && { step: { index: step.index, count: step.count } }),
    ...(stepsDue && { eta: step!.eta }),
  };
}
