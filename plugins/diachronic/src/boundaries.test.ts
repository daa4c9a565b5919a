import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('the frontend plugin', () => {
  const { imported, undeclared, closure } = boundaryOf(join(__dirname, '..'), ['src/index.ts']);

  it('declares every package it imports', () => {
    expect(undeclared).toEqual([]);
  });

  it('brings nothing of Temporal, Kubernetes or the worker into the browser', () => {
    expect(imported.filter(name => name.startsWith('@temporalio/'))).toEqual([]);
    const serverSide = [...closure].filter(
      name => name.startsWith('@temporalio/') || ['@diachronic/ci', '@kubernetes/client-node', 'unleash-client'].includes(name),
    );
    expect(serverSide).toEqual([]);
  });
});
