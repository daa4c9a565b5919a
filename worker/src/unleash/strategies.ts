/** The two strategies of a version flag, as Diachronic creates them, and how they read. */
import { DARK_STRATEGY_TITLE, LIVE_STRATEGY_TITLE, familyGroupId } from '@diachronic/contract';
import type { FeatureStrategy } from './admin-api';

/** Test traffic (`isTest` true) only, 100%. */
export function darkStrategy(family: string) {
  return {
    name: 'flexibleRollout',
    title: DARK_STRATEGY_TITLE,
    disabled: false,
    parameters: { rollout: '100', stickiness: 'default', groupId: familyGroupId(family) },
    constraints: [{ contextName: 'isTest', operator: 'IN', values: ['true'] }],
  };
}

/** Everyone, at the rollout percentage; sticky on the workflow id, bucketed alike across the family. */
export function liveStrategy(family: string) {
  return {
    name: 'flexibleRollout',
    title: LIVE_STRATEGY_TITLE,
    disabled: false,
    parameters: { rollout: '0', stickiness: 'userId', groupId: familyGroupId(family) },
    constraints: [],
  };
}

/** The percentage a strategy enables: its rollout, or 0 when it is missing or disabled. */
export function effectivePercent(strategy: FeatureStrategy | null | undefined): number {
  return strategy && !strategy.disabled ? Number(strategy.parameters?.rollout ?? 0) : 0;
}
