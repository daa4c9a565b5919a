import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('the migrate library', () => {
  const { imported, undeclared, closure } = boundaryOf(join(__dirname, '..'), ['src/index.ts']);

  it('is workflow code: it imports the workflow SDK (and its common types) and nothing else, not even a Node built-in', () => {
    expect([...imported].sort()).toEqual(['@temporalio/common', '@temporalio/workflow']);
    expect(undeclared).toEqual([]);
  });

  it('installs the Temporal workflow SDK and what it needs: no client, worker, Backstage or Kubernetes', () => {
    const foreign = [...closure].filter(
      name =>
        name.startsWith('@backstage/') ||
        ['@temporalio/client', '@temporalio/worker', '@kubernetes/client-node', '@diachronic/ci', 'unleash-client'].includes(name),
    );
    expect(foreign).toEqual([]);
    expect(closure.has('@temporalio/workflow')).toBe(true);
  });

  it("offers the upgrade check to a version's worker through its own entry, which adds only the activity SDK", () => {
    const upgradeCheck = boundaryOf(join(__dirname, '..'), ['src/upgradeCheck.ts']);
    expect(upgradeCheck.imported).toEqual(['@temporalio/activity', '@temporalio/workflow']);
    expect(upgradeCheck.undeclared).toEqual([]);
  });
});
