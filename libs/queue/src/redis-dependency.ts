import { Redis } from 'ioredis';
import { StartupDependency, urlTarget } from '@radflow/config';

/** REDIS_URL as a start-up dependency: connect and PING (a wrong password fails here too). Null when unset. */
export function redisDependency(env: { REDIS_URL?: string }): StartupDependency | null {
  const url = env.REDIS_URL;
  if (!url) return null;
  return {
    variable: 'REDIS_URL',
    target: urlTarget(url, 6379),
    probe: async (timeoutMs) => {
      // One attempt per probe: the caller owns the retrying and its backoff.
      const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      // connect() rejects with a bare "Connection is closed"; the socket error says why (ECONNREFUSED…).
      let cause: Error | undefined;
      client.on('error', (e: Error) => (cause ??= e));
      try {
        await client.connect();
        await client.ping();
      } catch (e) {
        throw cause ?? e;
      } finally {
        client.disconnect();
      }
    },
  };
}
