import { proxyActivities } from '@temporalio/workflow';
import type { createSmokeActivities } from './activities';

const { shout } = proxyActivities<ReturnType<typeof createSmokeActivities>>({
  startToCloseTimeout: '10 seconds',
});

export async function smokeWorkflow(name: string): Promise<string> {
  return `hello, ${await shout(name)}`;
}
