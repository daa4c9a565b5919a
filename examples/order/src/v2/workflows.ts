/**
 * Order v2: the payment is recorded with its provider (`payment: { ref, provider }`, was `paymentRef`),
 * and the state carries `version: 2`. Receives v1's running orders through `upgradeOrderState`.
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { isMigration, MigratableInput, migratable, receiveMigratedState } from '@diachronic/migrate';
import type { Charge, OrderActivities } from '../activities';
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
import type { OrderStateV1 } from '../v1/workflows';
import { upgradeOrderState } from './upgrade';

export interface OrderStateV2 {
  version: 2;
  orderId: string;
  items: OrderItem[];
  status: OrderStatus;
  payment: Charge | null;
  /** Epoch milliseconds, workflow time. */
  createdAt: number;
  /** Cancelled unless shipped by then: epoch milliseconds, workflow time. */
  shipBy: number;
  requests: OrderRequests;
  cancelReason?: string;
  closedAt?: number;
}

const { chargeCard } = proxyActivities<OrderActivities>({ startToCloseTimeout: '1 minute' });

export async function order(input: MigratableInput<OrderInput, OrderStateV1 | OrderStateV2>): Promise<OrderStateV2> {
  const state = isMigration(input) ? receiveMigratedState(input, { upgrade: upgradeOrderState }) : newOrder(input);
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
        state.payment = await chargeCard({ orderId: state.orderId });
        state.status = 'paid';
      });
    } else {
      close('shipped');
    }
  }
  await condition(allHandlersFinished);
  return state;
}

function newOrder(input: OrderInput): OrderStateV2 {
  const createdAt = Date.now();
  return {
    version: 2,
    orderId: input.orderId,
    items: input.items,
    status: 'awaiting_payment',
    payment: null,
    createdAt,
    shipBy: createdAt + (input.shipWithinMs ?? DEFAULT_SHIP_WITHIN_MS),
    requests: { pay: false, ship: false, cancel: null },
  };
}
