/** One evaluation of a deployment's health gate, as the deployment and its rollout run it. */
import type { GateEvaluation, HealthGatePolicy, VersionRef } from '@diachronic/contract';
import { judgeGate } from '@diachronic/contract';
import { healthActivities } from './proxies';

/** Who acts when the gate fails: named so in the events and the reason. */
export const GATE_ACTOR = 'diachronic (health gate)';

export interface GateInput {
  policy: HealthGatePolicy;
  version: VersionRef;
  /** The deployment's start (ISO): what the gate counts begins there. */
  since: string;
  deployment: { workflowId: string; phase: string; livePercent: number };
}

export async function evaluateGate(input: GateInput, trigger: GateEvaluation['trigger']): Promise<GateEvaluation> {
  const measurement = await healthActivities.evaluateHealth(input);
  const at = new Date().toISOString();
  const verdict = judgeGate(measurement, input.policy, { taskQueue: input.version.taskQueue, since: input.since, at });
  return { ...measurement, at, since: input.since, trigger, ...verdict };
}
