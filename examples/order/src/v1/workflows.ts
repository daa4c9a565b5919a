/**
 * Order v1: pay (a card charge that must not be interrupted), ship, or cancel; cancelled automatically
 * unless shipped by its ship-by deadline. Migratable with @diachronic/migrate.
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { isMigration, MigratableInput, migratable, receiveMigratedState } from '@diachronic/migrate';
import type { OrderActivities } from '../activities';
import {
  cancelSignal,
  DEFAULT_SHIP_WITHIN_MS,
  OrderInput,
  OrderItem,
  OrderRequests,
  OrderStatus,
  orderStateQuery,
  paySignal,
  shipSignal,
} from '../contract';

export interface OrderStateV1 {
  orderId: string;
  items: OrderItem[];
  status: OrderStatus;
  paymentRef: string | null;
  /** Epoch milliseconds, workflow time. */
  createdAt: number;
  /** Cancelled unless shipped by then: epoch milliseconds, workflow time. */
  shipBy: number;
  requests: OrderRequests;
  cancelReason?: string;
  closedAt?: number;
}

const { chargeCard } = proxyActivities<OrderActivities>({ startToCloseTimeout: '1 minute' });

export async function order(input: MigratableInput<OrderInput, OrderStateV1>): Promise<OrderStateV1> {
  const state: OrderStateV1 = isMigration(input) ? receiveMigratedState(input) : newOrder(input);
  const migration = migratable({ input, exportState: () => state });
  setHandler(orderStateQuery, () => state);
  setHandler(paySignal, () => {
    state.requests.pay = true;
  });
  setHandler(shipSignal, () => {
    state.requests.ship = true;
  });
  setHandler(cancelSignal, reason => {
    state.requests.cancel ??= reason;
  });
  const shipBy = migration.timer('shipBy', state.shipBy);

  const close = (status: 'shipped' | 'cancelled', cancelReason?: string) => {
    state.status = status;
    state.cancelReason = cancelReason;
    state.closedAt = Date.now();
  };
  const actionable = () =>
    state.requests.cancel !== null ||
    (state.requests.pay && state.status === 'awaiting_payment') ||
    (state.requests.ship && state.status === 'paid');

  while (state.status !== 'shipped' && state.status !== 'cancelled') {
    if (!(await migration.waitFor(actionable, shipBy))) {
      close('cancelled', 'not shipped by the ship-by deadline');
    } else if (state.requests.cancel !== null) {
      close('cancelled', state.requests.cancel);
    } else if (state.status === 'awaiting_payment') {
      // Moving mid-charge would abandon the charge and make the next version charge again.
      await migration.notNow('charging card', async () => {
        state.requests.pay = false;
        state.status = 'paying';
        state.paymentRef = (await chargeCard({ orderId: state.orderId })).ref;
        state.status = 'paid';
      });
    } else {
      close('shipped');
    }
  }
  await condition(allHandlersFinished);
  return state;
}

function newOrder(input: OrderInput): OrderStateV1 {
  const createdAt = Date.now();
  return {
    orderId: input.orderId,
    items: input.items,
    status: 'awaiting_payment',
    paymentRef: null,
    createdAt,
    shipBy: createdAt + (input.shipWithinMs ?? DEFAULT_SHIP_WITHIN_MS),
    requests: { pay: false, ship: false, cancel: null },
  };
}
