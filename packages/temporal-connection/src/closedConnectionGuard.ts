import { InterceptingCall, Interceptor, InterceptorOptions, Metadata, status } from '@grpc/grpc-js';
import { ConnectionOptions, ConnectionPlugin, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/** What an InterceptingCall wraps: grpc-js does not export the interface by name. */
type Call = ConstructorParameters<typeof InterceptingCall>[0];

/**
 * A call that never reaches the channel: it ends at once with `code`. What a retry gets when its
 * connection closed while the call waited to be tried again.
 */
class EndedCall implements Call {
  constructor(
    private readonly code: status,
    private readonly details: string,
  ) {}

  start(_metadata: Metadata, listener?: Parameters<Call['start']>[1]) {
    process.nextTick(() => listener?.onReceiveStatus?.({ code: this.code, details: this.details, metadata: new Metadata() }));
  }
  sendMessageWithContext(context: Parameters<Call['sendMessageWithContext']>[0]) {
    context.callback?.();
  }
  sendMessage() {}
  startRead() {}
  halfClose() {}
  cancelWithStatus() {}
  getPeer() {
    return '';
  }
  getAuthContext() {
    return null;
  }
}

export const CLOSED_CONNECTION_DETAILS = 'the Temporal connection was closed before the call could be retried';

/**
 * The SDK's retry interceptor tries a failed call again from a timer. A call that had just started when
 * its connection was closed fails with UNAVAILABLE ("Channel closed before call started"), and its retry
 * then throws "Channel has been shut down" from that timer: an uncaught exception that can end the
 * process, and a call whose promise never settles. Placed after the retry interceptor, this one ends such
 * a retry with CANCELLED instead, so the call rejects like any other failed call. A first attempt is left
 * to the channel: the SDK turns its synchronous error into the call's rejection already.
 */
export function closedConnectionInterceptor(): Interceptor {
  // The retry interceptor passes the same options to each of its attempts.
  const attempted = new WeakSet<InterceptorOptions>();
  return (options, nextCall) => {
    if (!attempted.has(options)) {
      attempted.add(options);
      return new InterceptingCall(nextCall(options));
    }
    try {
      return new InterceptingCall(nextCall(options));
    } catch (error) {
      if (!(error instanceof Error) || !/shut down/i.test(error.message)) throw error;
      return new InterceptingCall(new EndedCall(status.CANCELLED, CLOSED_CONNECTION_DETAILS));
    }
  };
}

/**
 * A connection plugin that keeps the connection's retries (the SDK's default ones, or those given) and
 * adds {@link closedConnectionInterceptor} after them. Give it to every `Connection` a process closes
 * while it may still be calling Temporal: `Connection.connect({ ...options, plugins: [closedConnectionGuard] })`.
 */
export const closedConnectionGuard: ConnectionPlugin = {
  name: 'diachronic.closed-connection-guard',
  configureConnection(options: ConnectionOptions): ConnectionOptions {
    const interceptors = options.interceptors ?? [makeGrpcRetryInterceptor(defaultGrpcRetryOptions())];
    return { ...options, interceptors: [...interceptors, closedConnectionInterceptor()] };
  },
};
