import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { Router } from '@diachronic/routing';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import { Connection } from '@temporalio/client';
import { createSignalerApp } from './app';
import { SignalerConfig } from './config';
import { SignalerService } from './service';

export interface RunningSignaler {
  /** Where it listens, e.g. `http://127.0.0.1:8088`. */
  url: string;
  /** Stops accepting connections, drains requests in flight, then closes the router and the connection. */
  stop(): Promise<void>;
}

/** Starts the HTTP service: syncs the router, connects to Temporal, listens. */
export async function startSignaler(config: SignalerConfig, log: (message: string) => void): Promise<RunningSignaler> {
  const router = await Router.start({
    url: config.unleash.url,
    clientToken: config.unleash.clientToken,
    appName: 'diachronic-signaler',
    refreshIntervalMs: config.unleash.refreshIntervalMs,
  });
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...config.temporal.connection, plugins: [closedConnectionGuard] });
    const service = new SignalerService({
      connection,
      namespace: config.temporal.namespace,
      router,
      families: config.families,
      updateTimeoutMs: config.updateTimeoutMs,
    });
    const app = createSignalerApp({
      service,
      bodyLimit: config.bodyLimit,
      onInternalError: (error, req) =>
        log(`${req.method} ${req.path} failed: ${error instanceof Error ? error.stack : String(error)}`),
    });
    const server = app.listen(config.port, config.host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const openConnection = connection;
    return {
      url: `http://${config.host}:${port}`,
      async stop() {
        const closed = new Promise<void>(resolve => server.close(() => resolve()));
        // Keep-alive connections go idle after their last response: close them as they do.
        const idleSweeper = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => {
          log('drain timeout: closing the remaining connections');
          server.closeAllConnections();
        }, config.drainTimeoutMs);
        await closed;
        clearInterval(idleSweeper);
        clearTimeout(deadline);
        router.destroy();
        await openConnection.close();
      },
    };
  } catch (error) {
    // The router's polling and the connection would keep a failed process alive.
    router.destroy();
    await connection?.close();
    throw error;
  }
}
