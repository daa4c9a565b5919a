import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('the CLI', () => {
  const { imported, undeclared, closure } = boundaryOf(join(__dirname, '..'), ['src/index.ts']);

  it('is an HTTP client of the backend: it imports the browser-safe contract, the API paths and two small Backstage libraries', () => {
    expect(imported).toEqual([
      '@backstage/catalog-model',
      '@backstage/errors',
      '@diachronic/backstage-plugin-diachronic-common',
      '@diachronic/contract',
    ]);
    expect(undeclared).toEqual([]);
  });

  it('installs nothing of Temporal, Kubernetes, Unleash, the worker or the backend', () => {
    const foreign = [...closure].filter(
      name =>
        name.startsWith('@temporalio/') ||
        name.startsWith('@backstage/backend-') ||
        ['@diachronic/ci', '@diachronic/backstage-plugin-diachronic-backend', '@kubernetes/client-node', 'unleash-client', 'express'].includes(name),
    );
    expect(foreign).toEqual([]);
  });
});
