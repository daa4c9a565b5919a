import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('the signaler', () => {
  const { imported, undeclared, closure } = boundaryOf(join(__dirname, '..'), ['src/index.ts', 'src/http/index.ts']);

  it('imports routing, the contract, the Temporal client, its connection plugin and configuration, an HTTP framework, each declared', () => {
    expect(imported).toEqual([
      '@diachronic/contract',
      '@diachronic/routing',
      '@diachronic/temporal-connection',
      '@temporalio/client',
      '@temporalio/common',
      '@temporalio/envconfig',
      'express',
      'zod',
    ]);
    expect(undeclared).toEqual([]);
  });

  it('installs nothing of Backstage, Kubernetes, the Temporal worker SDK or the Diachronic worker', () => {
    const foreign = [...closure].filter(
      name => name.startsWith('@backstage/') || ['@diachronic/ci', '@kubernetes/client-node', '@temporalio/worker'].includes(name),
    );
    expect(foreign).toEqual([]);
  });
});
