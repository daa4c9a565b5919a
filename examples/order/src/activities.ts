/** The order's activities, shared by its versions. The payment provider is simulated. */
import { ApplicationFailure, sleep } from '@temporalio/activity';

export interface Charge {
  ref: string;
  provider: string;
}

export interface OrderActivitiesOptions {
  /** How long a charge takes (the simulated provider's latency). */
  chargeCardMs: number;
  /** The simulated provider declines every card: orders fail when paid (a bad build, for trying the health gate). */
  declineCards?: boolean;
}

export function createOrderActivities({ chargeCardMs, declineCards = false }: OrderActivitiesOptions) {
  return {
    async chargeCard({ orderId }: { orderId: string }): Promise<Charge> {
      await sleep(chargeCardMs);
      if (declineCards) throw ApplicationFailure.nonRetryable(`card declined for ${orderId}`, 'CardDeclined');
      // The order id is the idempotency key a real provider would get: a retried charge is the same charge.
      return { ref: `ch_${orderId}`, provider: 'card' };
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
