/**
 * What callers of the order workflow use, the same in every version: the workflow type, its input and
 * its messages. The state each version reports is in that version's workflows.ts.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OrderStateV1 } from './v1/workflows';
import type { OrderStateV2 } from './v2/workflows';

/** One type name for all versions, so that the signaler routes it to any version's task queue. */
export const ORDER_WORKFLOW_TYPE = 'order';

/** The task queue of one version, as Diachronic names it. */
export { versionTaskQueue as orderTaskQueue } from '@diachronic/contract';

export interface OrderItem {
  sku: string;
  quantity: number;
}

export interface OrderInput {
  orderId: string;
  items: OrderItem[];
  /** The order is cancelled unless shipped this long after it started. Default: 7 days. */
  shipWithinMs?: number;
}

export const DEFAULT_SHIP_WITHIN_MS = 7 * 24 * 60 * 60 * 1000;

export type OrderStatus = 'awaiting_payment' | 'paying' | 'paid' | 'shipped' | 'cancelled';

/** Signals received and not acted on yet: part of the state, so that a migration cannot lose them. */
export interface OrderRequests {
  pay: boolean;
  ship: boolean;
  cancel: string | null;
}

export type OrderState = OrderStateV1 | OrderStateV2;

export const paySignal = defineSignal('pay');
export const shipSignal = defineSignal('ship');
export const cancelSignal = defineSignal<[reason: string]>('cancel');
export const orderStateQuery = defineQuery<OrderState>('orderState');
