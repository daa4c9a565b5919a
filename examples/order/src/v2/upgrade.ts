/**
 * How v2 takes over a running order: its own module, so that the workflow (through
 * `receiveMigratedState`) and the worker (through the upgrade dry run's check) run the same function.
 */
import type { OrderStateV1 } from '../v1/workflows';
import type { OrderStateV2 } from './workflows';

/** v1 charged cards only. A redeploy of v2 hands over v2 states, which pass unchanged. */
export function upgradeOrderState(old: OrderStateV1 | OrderStateV2): OrderStateV2 {
  if ('version' in old) return old;
  const { paymentRef, ...rest } = old;
  return { version: 2, ...rest, payment: paymentRef === null ? null : { ref: paymentRef, provider: 'card' } };
}
