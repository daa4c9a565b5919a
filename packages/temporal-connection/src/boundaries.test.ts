import { join } from 'node:path';
import { boundaryOf } from '@diachronic/test-utils/boundaries';

describe('the Temporal connection plugin', () => {
  const { imported, undeclared } = boundaryOf(join(__dirname, '..'), ['src/index.ts']);

  it('imports the Temporal client (a peer: the one its user connects with) and gRPC, each declared', () => {
    expect(imported).toEqual(['@grpc/grpc-js', '@temporalio/client']);
    expect(undeclared).toEqual([]);
  });
});
