/** Unleash's event log of a flag's live strategy: who changed its percentage, and when. */
import { PAGE_SIZE, StrategyUpdateEvent } from './admin-api';
import type { UnleashAdminClient } from './admin-client';
import { effectivePercent } from './strategies';

export interface LivePercentChange {
  changedBy: string;
  changedAt: string;
}

/** One change of the live percentage, as the event log recorded it. */
export interface LiveChange {
  eventId: number;
  by: string;
  at: string;
  from: number;
  to: number;
}

/** Pages of the flag's strategy-update events, newest first, as long as `more` asks for the next one. */
async function* strategyEventPages(client: UnleashAdminClient, flag: string) {
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
    yield events;
    if (events.length < PAGE_SIZE) return;
  }
}

function percentChange(event: StrategyUpdateEvent, strategyId: string): LiveChange | undefined {
  if (event.data?.id !== strategyId) return undefined;
  const from = effectivePercent(event.preData);
  const to = effectivePercent(event.data);
  return from === to ? undefined : { eventId: event.id, by: event.createdBy, at: event.createdAt, from, to };
}

/** The newest change of the strategy's effective percentage recorded in the event log, if any. */
export async function lastLivePercentChange(
  client: UnleashAdminClient,
  flag: string,
  strategyId: string,
): Promise<LivePercentChange | undefined> {
  for await (const events of strategyEventPages(client, flag)) {
    for (const event of events) {
      const change = percentChange(event, strategyId);
      if (change) return { changedBy: change.by, changedAt: change.at };
    }
  }
  return undefined;
}

/** Every change of the strategy's effective percentage recorded after the event `afterEventId`, oldest first. */
export async function liveChangesAfter(
  client: UnleashAdminClient,
  flag: string,
  strategyId: string,
  afterEventId: number,
): Promise<LiveChange[]> {
  const changes: LiveChange[] = [];
  for await (const events of strategyEventPages(client, flag)) {
    for (const event of events) {
      if (event.id <= afterEventId) return changes.reverse();
      const change = percentChange(event, strategyId);
      if (change) changes.push(change);
    }
  }
  return changes.reverse();
}

/**
 * The event of a write just made, from `from` to `to` percent: the newest such change. Its id is where a
 * later look for someone else's changes starts.
 */
export async function eventOfWrite(
  client: UnleashAdminClient,
  flag: string,
  strategyId: string,
  { from, to }: { from: number; to: number },
): Promise<number | undefined> {
  for await (const events of strategyEventPages(client, flag)) {
    for (const event of events) {
      const change = percentChange(event, strategyId);
      if (change?.from === from && change.to === to) return change.eventId;
    }
    // Our write is among the newest events; further pages are older than it.
    return undefined;
  }
  return undefined;
}
