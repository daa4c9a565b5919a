/**
 * Fixture workflows run by the tests' workers on routed task queues: a counter with a signal, an update
 * (its validator refuses non-integers) and a query, that runs until told to finish.
 */
import { ApplicationFailure, condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

export const addSignal = defineSignal<[number]>('add');
export const addAndGetUpdate = defineUpdate<number, [number]>('addAndGet');
export const finishSignal = defineSignal('finish');
export const totalQuery = defineQuery<number>('total');

export async function counter(initial = 0): Promise<number> {
  let total = initial;
  let finished = false;
  setHandler(addSignal, amount => {
    total += amount;
  });
  setHandler(
    addAndGetUpdate,
    amount => {
      total += amount;
      return total;
    },
    {
      validator: amount => {
        if (!Number.isInteger(amount)) throw ApplicationFailure.nonRetryable(`amount must be an integer, got ${amount}`);
      },
    },
  );
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(totalQuery, () => total);
  await condition(() => finished);
  return total;
}
