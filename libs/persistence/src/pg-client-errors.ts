import type { PoolClient } from 'pg';

/**
 * A pool `onConnect` hook that gives every client an 'error' listener for its whole life. pg-pool
 * listens only while a client is idle; a checked-out client whose backend is terminated
 * (pg_terminate_backend, failover, restart) between two queries emits 'error' with no listener,
 * and that is an uncaught exception. With this the error is reported, the client counts as broken
 * (pg marks it not queryable), and the pool drops it on release.
 */
export function keepClientErrors(onError: (e: Error) => void = () => undefined): (client: PoolClient) => void {
  return (client) => {
    client.on('error', onError);
  };
}
