import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('the backend plugin', () => {
  const { imported, undeclared, closure } = boundaryOf(join(__dirname, '..'), ['src/index.ts']);

  it('imports @temporalio/client with its connection plugin, the contract and Backstage packages only, each declared', () => {
    const ours = ['@temporalio/client', '@diachronic/temporal-connection', '@diachronic/contract', '@diachronic/backstage-plugin-diachronic-common'];
    const others = imported.filter(
      name => !name.startsWith('@backstage/') && !ours.includes(name),
    );
    expect(others).toEqual(['express', 'zod']);
    expect(undeclared).toEqual([]);
  });

  it('installs neither the worker, the Temporal worker SDK, the Kubernetes client nor an Unleash SDK', () => {
    for (const name of ['@diachronic/ci', '@temporalio/worker', '@kubernetes/client-node', 'unleash-client', 'unleash-server']) {
      expect({ name, installed: closure.has(name) }).toEqual({ name, installed: false });
    }
  });
});
