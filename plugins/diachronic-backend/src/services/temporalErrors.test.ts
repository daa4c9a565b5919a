import { ServiceError } from '@temporalio/client';
import { unavailable } from './temporalErrors';

const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('unavailable', () => {
  it('names the worker when it does not answer in time, and Temporal when it is unreachable', () => {
    const late = new ServiceError('Failed to query Workflow', { cause: grpcError(4, 'deadline exceeded') });
    expect(unavailable(late, 'state of x', 'diachronic-ci')?.message).toBe(
      'state of x: the Diachronic worker on task queue diachronic-ci did not answer in time',
    );
    const down = new ServiceError('Failed to query Workflow', { cause: grpcError(14, 'connection refused') });
    expect(unavailable(down, 'state of x', 'diachronic-ci')?.message).toBe('state of x: Temporal is unavailable (connection refused)');
  });

  it('turns any other failed Temporal call into a 503 with what Temporal said, not a 500', () => {
    const busy = new ServiceError('Failed to query Workflow', { cause: grpcError(8, 'namespace rate limit exceeded') });
    const answer = unavailable(busy, 'state of x', 'diachronic-ci');
    expect(answer?.name).toBe('ServiceUnavailableError');
    expect(answer?.message).toBe(
      'state of x: the Diachronic worker on task queue diachronic-ci did not answer (Temporal: gRPC 8: namespace rate limit exceeded)',
    );
    const odd = new ServiceError('Unexpected error while making gRPC request', { cause: new Error('socket hang up') });
    expect(unavailable(odd, 'state of x', 'diachronic-ci')?.message).toMatch(/\(Temporal: socket hang up\)$/);
  });

  it('leaves errors that are not Temporal calls alone', () => {
    expect(unavailable(new Error('a bug'), 'state of x', 'diachronic-ci')).toBeUndefined();
  });
});
