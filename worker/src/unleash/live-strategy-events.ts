/** Unleash's event log of a flag's live strategy: who changed its percentage, and when. */
import { PAGE_SIZE, StrategyUpdateEvent } from './admin-api';
import type { UnleashAdminClient } from './admin-client';
import { effectivePercent } from './strategies';

export interface LivePercentChange {
  changedBy: string;
  changedAt: string;
}

/** The newest change of the strategy's effective percentage recorded in the event log, if any. */
export async function lastLivePercentChange(
  client: UnleashAdminClient,
  flag: string,
  strategyId: string,
): Promise<LivePercentChange | undefined> {
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { events } = await client.request<{ events: StrategyUpdateEvent[] }>(
      'GET',
      `/api/admin/search/events?${new URLSearchParams({
        feature: `IS:${flag}`,
        type: 'IS:feature-strategy-update',
        environment: `IS:${client.environment}`,
        limit: String(PAGE_SIZE),
        offset: String(offset),
      })}`,
    );
    const change = events.find(
      event => event.data?.id === strategyId && effectivePercent(event.data) !== effectivePercent(event.preData),
    );
    if (change) return { changedBy: change.createdBy, changedAt: change.createdAt };
    if (events.length < PAGE_SIZE) return undefined;
  }
}
