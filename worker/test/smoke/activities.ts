import { activityInfo } from '@temporalio/activity';

export function createSmokeActivities() {
  return {
    async shout(name: string): Promise<string> {
      return `${name.toUpperCase()} from ${activityInfo().taskQueue}`;
    },
  };
}
