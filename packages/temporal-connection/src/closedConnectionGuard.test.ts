/**
 * Against the real Temporal dev server: a call that had just started when its connection was closed.
 * Without the guard, the SDK's retry of that call throws from a timer ("Channel has been shut down", an
 * uncaught exception) and the call never settles.
 */
import { status } from '@grpc/grpc-js';
import { Client, Connection, isGrpcServiceError, makeGrpcRetryInterceptor, defaultGrpcRetryOptions } from '@temporalio/client';
import { testServices } from '@diachronic/test-utils';
import { CLOSED_CONNECTION_DETAILS, closedConnectionGuard } from './closedConnectionGuard';

const services = testServices();
const connect = () => Connection.connect({ address: services.temporalAddress, plugins: [closedConnectionGuard] });

describe('closedConnectionGuard on the real Temporal server', () => {
  it('ends a call cut by close() with CANCELLED, and the call rejects instead of hanging', async () => {
    const connection = await connect();
    const call = connection.workflowService.getSystemInfo({});
    await connection.close();
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGrpcServiceError(error) && { code: error.code, details: error.details }).toEqual({
      code: status.CANCELLED,
      details: CLOSED_CONNECTION_DETAILS,
    });
  });

  it('ends a client list cut by close() with an error the caller can catch', async () => {
    const connection = await connect();
    const client = new Client({ connection });
    const firstPage = client.workflow.list({ query: 'WorkflowType = "none"' })[Symbol.asyncIterator]().next();
    await connection.close();
    await expect(firstPage).rejects.toThrow('Failed to list workflows');
  });

  it('leaves a call made after close() to fail at once, as the SDK does', async () => {
    const connection = await connect();
    await connection.close();
    await expect(connection.workflowService.getSystemInfo({})).rejects.toThrow('Channel has been shut down');
  });

  it('leaves the answers of an open connection as they are', async () => {
    const connection = await connect();
    try {
      const client = new Client({ connection });
      await expect(client.workflow.getHandle(`no-such-workflow-${Date.now()}`).describe()).rejects.toMatchObject({
        name: 'WorkflowNotFoundError',
      });
      await expect(connection.workflowService.getSystemInfo({})).resolves.toHaveProperty('capabilities');
    } finally {
      await connection.close();
    }
  });
});

describe('closedConnectionGuard.configureConnection', () => {
  it("keeps the SDK's retries, or the interceptors given, and adds the guard after them", () => {
    expect(closedConnectionGuard.configureConnection!({}).interceptors).toHaveLength(2);
    const own = makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }));
    const { interceptors } = closedConnectionGuard.configureConnection!({ interceptors: [own] });
    expect(interceptors).toHaveLength(2);
    expect(interceptors![0]).toBe(own);
  });
});
