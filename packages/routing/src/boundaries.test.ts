import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('routing', () => {
  const { imported, undeclared, closure } = boundaryOf(join(__dirname, '..'), ['src/index.ts']);

  it('imports the contract and unleash-client only, each declared', () => {
    expect(imported).toEqual(['@diachronic/contract', 'unleash-client']);
    expect(undeclared).toEqual([]);
  });

  it('installs nothing of Backstage, Kubernetes, Temporal or the Diachronic worker', () => {
    const foreign = [...closure].filter(
      name => name.startsWith('@backstage/') || name.startsWith('@temporalio/') || ['@diachronic/ci', '@kubernetes/client-node'].includes(name),
    );
    expect(foreign).toEqual([]);
  });
});
